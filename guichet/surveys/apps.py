from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "guichet.surveys"
    verbose_name = "Questionnaires et satisfaction"

    def ready(self):
        from guichet.cases.hooks import on_case_ended

        from .services import satisfaction_on_case_ended

        on_case_ended(satisfaction_on_case_ended)
