from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "guichet.reports"
    verbose_name = "Signalements"

    def ready(self):
        from guichet.cases import kinds

        kinds.register("report", "Signalement",
                       next_step="Le service a reçu votre signalement et va intervenir.")
