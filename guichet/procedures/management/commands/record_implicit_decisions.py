from django.core.management.base import BaseCommand

from guichet.procedures.services import submissions_record_implicit_decisions


class Command(BaseCommand):
    help = ("Tâche quotidienne : prévient les services dix jours avant une décision implicite "
            "et enregistre les décisions implicites acquises (SVA/SVR).")

    def handle(self, *args, **options):
        warned, decided = submissions_record_implicit_decisions()
        self.stdout.write(f"{warned} alerte(s) envoyée(s), {decided} décision(s) implicite(s) "
                          "enregistrée(s).")
