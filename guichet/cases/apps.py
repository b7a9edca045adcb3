from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "guichet.cases"
    verbose_name = "Demandes"
