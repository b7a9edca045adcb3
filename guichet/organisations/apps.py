from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "guichet.organisations"
    verbose_name = "Collectivités"
