from django.core.management.base import BaseCommand

from guichet.notifications.webhooks import webhooks_deliver_due


class Command(BaseCommand):
    help = ("Rattrapage périodique des webhooks : envoie les événements dus (nouveaux essais, "
            "envois qu'un worker arrêté n'a pas terminés).")

    def handle(self, *args, **options):
        sent = webhooks_deliver_due()
        self.stdout.write(f"{sent} webhook(s) livré(s).")
