from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "guichet.cases"
    verbose_name = "Demandes"

    def ready(self):
        # Notifications never import cases: cases asks to hear about delivery outcomes.
        from guichet.notifications.hooks import on_notification_outcome

        from .services import case_notification_outcome

        on_notification_outcome(case_notification_outcome)
