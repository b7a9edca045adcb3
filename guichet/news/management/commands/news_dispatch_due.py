from django.core.management.base import BaseCommand

from guichet.news.services import news_dispatch_due


class Command(BaseCommand):
    help = ("Périodique : annonce aux abonnés les actualités programmées dont l'heure est venue "
            "et les signalements ouverts ou résolus près de chez eux.")

    def handle(self, *args, **options):
        counts = news_dispatch_due()
        self.stdout.write(f"{counts['news']} actualité(s), {counts['reports']} signalement(s) "
                          "annoncé(s).")
