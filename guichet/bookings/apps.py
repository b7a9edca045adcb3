from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "guichet.bookings"
    verbose_name = "Réservations et inscriptions"

    def ready(self):
        from guichet.cases import kinds

        from . import checks  # noqa: F401  (registers the payment provider checks)

        kinds.register("booking", "Réservation ou inscription",
                       next_step="Le service traite votre réservation.")
