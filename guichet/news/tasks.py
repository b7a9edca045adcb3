"""The worker's side: fan-outs and batches of sends (see services)."""

from django_tasks import task


@task()
def announce(kind: str, item_id: int) -> int:
    from .services import news_announce

    return news_announce(kind=kind, item_id=item_id)


@task()
def send_batch(subscription_ids: list[int]) -> int:
    from .services import dispatches_send

    return dispatches_send(subscription_ids=subscription_ids)
