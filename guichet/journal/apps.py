from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "guichet.journal"
    verbose_name = "Journal d'audit"
