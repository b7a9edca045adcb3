from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_migrate


class ReportsConfig(AppConfig):
    name = "guichet.reports"
    verbose_name = "Signalements"

    def ready(self):
        from guichet.cases import kinds

        from .services import report_sync_status

        kinds.register("report", "Signalement",
                       next_step="Le service a reçu votre signalement et va intervenir.",
                       on_status_changed=report_sync_status,
                       reopen_days=settings.REPORT_REOPEN_DAYS,
                       public_pages="reports")
        # The table of the rate limits' cache (Open311 writes): `migrate` creates it like the rest.
        post_migrate.connect(_create_cache_table, sender=self)


def _create_cache_table(using, **kwargs):
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)
