from django_tasks import task

from .services import notification_deliver


@task()
def deliver(notification_id: int) -> bool:
    return notification_deliver(notification_id=notification_id)
