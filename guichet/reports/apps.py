from django.apps import AppConfig
from django.conf import settings


class ReportsConfig(AppConfig):
    name = "guichet.reports"
    verbose_name = "Signalements"

    def ready(self):
        from guichet.cases import kinds

        from .services import report_sync_status

        kinds.register("report", "Signalement",
                       next_step="Le service a reçu votre signalement et va intervenir.",
                       on_status_changed=report_sync_status,
                       reopen_days=settings.REPORT_REOPEN_DAYS)
