from django.core.management.base import BaseCommand

from guichet.bookings.services import bookings_expire_holds


class Command(BaseCommand):
    help = ("Tâche périodique (chaque minute) : libère les réservations non payées à temps et "
            "les places proposées non acceptées.")

    def handle(self, *args, **options):
        self.stdout.write(f"{bookings_expire_holds()} réservation(s) ou place(s) libérée(s).")
