"""`manage.py stats_refresh`: rewrite the statistics of the days whose cases changed."""

from django.core.management.base import BaseCommand

from guichet.stats.services import inbox_exports_expire, stats_refresh


class Command(BaseCommand):
    help = ("Met à jour les statistiques des jours dont des demandes ont changé depuis le "
            "dernier passage (--full : tous les jours), et supprime les exports expirés.")

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="recalculer tous les jours")

    def handle(self, *args, full, verbosity, **options):
        def progress(done):
            if verbosity > 1:
                self.stdout.write(f"  {done} jours")

        days = stats_refresh(full=full, progress=progress)
        expired = inbox_exports_expire()
        self.stdout.write(f"{days} jour{'s' if days > 1 else ''} recalculé{'s' if days > 1 else ''}"
                          f", {expired} export{'s' if expired > 1 else ''} expiré"
                          f"{'s' if expired > 1 else ''}.")
