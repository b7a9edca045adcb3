from django.core.management.base import BaseCommand

from guichet.intake.inbound import fetch_imap


class Command(BaseCommand):
    help = "Tâche périodique : relève la boîte IMAP configurée et enregistre les courriels reçus."

    def handle(self, *args, **options):
        self.stdout.write(f"{fetch_imap()} courriel(s) relevé(s).")
