from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "guichet.procedures"
    verbose_name = "Démarches en ligne"

    def ready(self):
        from guichet.cases import kinds

        kinds.register("procedure", "Démarche en ligne",
                       next_step="Votre dossier est en cours d'instruction.",
                       own_workflow=True)
