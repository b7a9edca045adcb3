from django.core.management.base import BaseCommand

from guichet.news.services import digests_enqueue


class Command(BaseCommand):
    help = ("Quotidien : met en file, par lots, le résumé des abonnés qui l'ont choisi (le worker "
            "les écrit et les envoie).")

    def handle(self, *args, **options):
        self.stdout.write(f"{digests_enqueue()} lot(s) de résumés mis en file.")
