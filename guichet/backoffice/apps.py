from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "guichet.backoffice"
    verbose_name = "backoffice"
