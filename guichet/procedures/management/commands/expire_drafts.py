from django.core.management.base import BaseCommand

from guichet.documents.services import documents_remind_expiring
from guichet.procedures.services import drafts_expire


class Command(BaseCommand):
    help = ("Tâche quotidienne : prévient les usagers avant la suppression de leurs brouillons, "
            "supprime les brouillons expirés et signale les documents du coffre-fort qui "
            "expirent dans le mois.")

    def handle(self, *args, **options):
        warned, deleted = drafts_expire()
        reminded = documents_remind_expiring()
        self.stdout.write(f"{warned} avertissement(s), {deleted} brouillon(s) supprimé(s), "
                          f"{reminded} rappel(s) de document.")
