"""`/sante/`: what a load balancer or a monitoring probe asks before sending traffic to this
process. It answers 200 when the database answers and the task queue is being drained, 503
otherwise, with the figures in a small JSON body (no personal data, nothing secret)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Min
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks_db.models import DBTaskResult, get_date_max


def queue_age(now: dt.datetime) -> float:
    """Seconds the oldest task that is due has been waiting (0 when none waits). A task is due
    from its enqueuing or, when it was scheduled, from its `run_after`."""
    ready = DBTaskResult.objects.ready()
    oldest = [ready.filter(run_after=get_date_max()).aggregate(t=Min("enqueued_at"))["t"],
              ready.exclude(run_after=get_date_max()).aggregate(t=Min("run_after"))["t"]]
    oldest = [t for t in oldest if t is not None]
    return max(0.0, (now - min(oldest)).total_seconds()) if oldest else 0.0


@never_cache
@require_GET
def health(request):
    now = timezone.now()
    body: dict = {"status": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        body["database"] = "ok"
    except DatabaseError:
        body.update(status="error", database="error")
        return JsonResponse(body, status=503)
    age = queue_age(now)
    body["queue"] = {"oldest_due_seconds": round(age, 1),
                     "limit_seconds": settings.HEALTH_QUEUE_MAX_AGE}
    if age > settings.HEALTH_QUEUE_MAX_AGE:
        body["status"] = "error"
        body["queue"]["state"] = "late"
        return JsonResponse(body, status=503)
    body["queue"]["state"] = "ok"
    return JsonResponse(body)
