from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "guichet.news"
    verbose_name = "Actualités, alertes et abonnements"
