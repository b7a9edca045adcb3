from django.core.management.base import BaseCommand

from guichet.cases.services import cases_send_digest


class Command(BaseCommand):
    help = ("Tâche quotidienne : envoie à chaque responsable de service la liste des demandes "
            "en retard ou proches de leur échéance.")

    def handle(self, *args, **options):
        self.stdout.write(f"{cases_send_digest()} récapitulatif(s) envoyé(s).")
