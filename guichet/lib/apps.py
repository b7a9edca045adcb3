"""Third-party apps under a French name in the admin (their models' names come from
`locale/fr`, or from their own French translation)."""

from axes.apps import AppConfig as AxesAppConfig
from django_tasks_db.apps import TasksAppConfig


class AxesConfig(AxesAppConfig):
    verbose_name = "Protection des connexions"


class TasksDbConfig(TasksAppConfig):
    verbose_name = "Tâches en arrière-plan"
