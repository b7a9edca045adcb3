from django.core.management.base import BaseCommand

from guichet.appointments.services import appointments_send_reminders


class Command(BaseCommand):
    help = ("Tâche périodique (toutes les 5 minutes) : rappels de rendez-vous par courriel et "
            "SMS.")

    def handle(self, *args, **options):
        self.stdout.write(f"{appointments_send_reminders()} rappel(s) envoyé(s).")
