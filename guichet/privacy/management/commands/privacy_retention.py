"""`manage.py privacy_retention`: the daily RGPD job (anonymise, propose eliminations, delete
expired « Mes données » archives)."""

from django.core.management.base import BaseCommand

from guichet.privacy.services import retention_run


class Command(BaseCommand):
    help = ("Anonymise les demandes arrivées au terme de leur durée de conservation, propose "
            "les autres à l'élimination sur un bordereau à viser, supprime les archives "
            "« Mes données » expirées.")

    def handle(self, *args, **options):
        counts = retention_run()
        self.stdout.write(
            f"{counts['anonymised']} demande(s) anonymisée(s), {counts['proposed']} proposée(s) "
            f"à l'élimination sur {counts['eliminations']} bordereau(x), "
            f"{counts['expired_exports']} archive(s) expirée(s) supprimée(s).")
