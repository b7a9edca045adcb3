from django.core.management.base import BaseCommand

from guichet.reports.services import reports_ask_if_fixed


class Command(BaseCommand):
    help = ("Tâche périodique (quotidienne) : demande « Est-ce réparé ? » aux auteurs des "
            "signalements résolus depuis quelques jours.")

    def handle(self, *args, **options):
        self.stdout.write(f"{reports_ask_if_fixed()} question(s) envoyée(s).")
