from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "guichet.accounts"
    verbose_name = "Comptes"

    def ready(self):
        from . import checks  # noqa: F401  (registers the deploy checks)
