from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "guichet.bookings"
    verbose_name = "Réservations et inscriptions"

    def ready(self):
        from guichet.cases import kinds

        from . import checks  # noqa: F401  (registers the payment provider checks)

        kinds.register("booking", "Réservation ou inscription",
                       next_step="Le service traite votre réservation.",
                       resident_state=_resident_state,
                       select_related=("facility_booking__facility", "registration__event"),
                       prefetch_related=("payments",))


def _resident_state(case):
    """A facility booking's or an event registration's own state."""
    from .models import FacilityBooking, Registration

    for name, model in (("facility_booking", FacilityBooking), ("registration", Registration)):
        try:
            return getattr(case, name).resident_state()
        except model.DoesNotExist:
            continue
    return None
