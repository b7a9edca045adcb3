from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "guichet.portal"
    verbose_name = "portal"
