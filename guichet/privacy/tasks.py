from django_tasks import task

from .services import data_export_run


@task()
def build_data_export(export_id: int) -> None:
    data_export_run(export_id=export_id)
