from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "guichet.intake"
    verbose_name = "Accueil multicanal"
