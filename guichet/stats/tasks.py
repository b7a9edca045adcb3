from django_tasks import task

from .services import inbox_export_run, stats_refresh


@task()
def run_inbox_export(export_id: int) -> None:
    inbox_export_run(export_id=export_id)


@task()
def refresh_stats() -> None:
    stats_refresh()
