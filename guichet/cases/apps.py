from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "guichet.cases"
    verbose_name = "Demandes"

    def ready(self):
        # Notifications never import cases: cases asks to hear about delivery outcomes.
        from guichet.notifications.hooks import on_notification_outcome

        from .services import case_notification_outcome

        on_notification_outcome(case_notification_outcome)

        from . import kinds

        # Requests to exercise a right over personal data (guichet.privacy.rights): routed to
        # the DPO, due within the legal month.
        kinds.register("privacy", "Exercice des droits (données personnelles)",
                       next_step="Le délégué à la protection des données étudie votre demande "
                                 "et vous répond dans le délai légal d'un mois.")
