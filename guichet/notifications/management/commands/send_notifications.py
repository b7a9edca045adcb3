from django.core.management.base import BaseCommand

from guichet.notifications.services import notifications_deliver_due


class Command(BaseCommand):
    help = ("Rattrapage périodique : renvoie les notifications dues et reprend celles qu'un "
            "worker arrêté n'a pas terminées.")

    def handle(self, *args, **options):
        sent = notifications_deliver_due()
        self.stdout.write(f"{sent} notification(s) envoyée(s).")
