from django_tasks import task

from .exports import export_run


@task()
def run_export(export_id: int) -> None:
    export_run(export_id=export_id)
