from django.core.management.base import BaseCommand

from guichet.procedures.services import (
    submissions_expire_document_requests,
    submissions_record_implicit_decisions,
)


class Command(BaseCommand):
    help = ("Tâche quotidienne : prévient les services dix jours avant une décision implicite "
            "et enregistre les décisions implicites acquises (SVA/SVR) ; classe les dossiers "
            "dont les pièces n'ont pas été reçues, si la démarche le prévoit.")

    def handle(self, *args, **options):
        warned, decided = submissions_record_implicit_decisions()
        closed = submissions_expire_document_requests()
        self.stdout.write(f"{warned} alerte(s) envoyée(s), {decided} décision(s) implicite(s) "
                          f"enregistrée(s), {closed} dossier(s) classé(s) faute de pièces.")
