"""Third-party apps under a French name in the admin (their models' names come from
`locale/fr`, or from their own French translation)."""

from axes.apps import AppConfig as AxesAppConfig
from django_tasks_db.apps import TasksAppConfig


class AxesConfig(AxesAppConfig):
    verbose_name = "Protection des connexions"


class TasksDbConfig(TasksAppConfig):
    verbose_name = "Tâches en arrière-plan"

    def ready(self) -> None:
        super().ready()
        # The admin (first in INSTALLED_APPS) has registered django_tasks_db's ModelAdmin by
        # now; its computed columns have English labels that no catalogue translates.
        from django.contrib import admin
        from django_tasks_db.admin import DBTaskResultAdmin
        from django_tasks_db.models import DBTaskResult

        class FrenchDBTaskResultAdmin(DBTaskResultAdmin):
            @admin.display(description="tâche")
            def task_name(self, obj):
                return obj.task_name

            @admin.display(description="trace de l'erreur")
            def formatted_traceback(self, obj):
                return super().formatted_traceback(obj)

            @admin.display(description="à lancer après")
            def display_run_after(self, obj):
                return super().display_run_after(obj)

        if admin.site.is_registered(DBTaskResult):
            admin.site.unregister(DBTaskResult)
            admin.site.register(DBTaskResult, FrenchDBTaskResultAdmin)
