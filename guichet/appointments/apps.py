from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "guichet.appointments"
    verbose_name = "Rendez-vous"

    def ready(self):
        from guichet.cases import kinds

        kinds.register("appointment", "Rendez-vous",
                       next_step="Votre rendez-vous est réservé ; vous recevrez un rappel.",
                       resident_state=_resident_state,
                       select_related=("appointment__type__agenda__place",))


def _resident_state(case):
    from .models import Appointment

    try:
        appointment = case.appointment
    except Appointment.DoesNotExist:  # filed by an agent before the slot was chosen
        return None
    return appointment.resident_state()
