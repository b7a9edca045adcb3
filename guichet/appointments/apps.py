from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "guichet.appointments"
    verbose_name = "Rendez-vous"

    def ready(self):
        from guichet.cases import kinds

        kinds.register("appointment", "Rendez-vous",
                       next_step="Votre rendez-vous est réservé ; vous recevrez un rappel.")
