from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "guichet.documents"
    verbose_name = "Coffre-fort"
