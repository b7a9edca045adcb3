from django.apps import AppConfig


class ContactConfig(AppConfig):
    name = "guichet.contact"
    verbose_name = "Contact"

    def ready(self):
        from guichet.cases import kinds

        kinds.register("contact", "Message à un service",
                       next_step="Le service étudie votre message et vous répondra ici.")
