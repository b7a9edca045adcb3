"""What a webhook tells about a case: enough for another system to recognise the case and fetch
it through the API, no more personal data than that (no requester, no message, no address
typed by the resident). The kinds add their own few fields (`extra`)."""

from __future__ import annotations

from guichet.lib.urls import absolute_url
from guichet.notifications.webhooks import webhook_event_queue

from .models import Case


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def case_webhook_data(case: Case, **extra) -> dict:
    return {
        "reference": case.reference,
        "kind": case.kind,
        "channel": case.channel,
        "status": case.status,
        "organisation": case.organisation_id,
        "unit": {"id": case.unit_id, "name": case.unit.name},
        "created_at": _iso(case.created_at),
        "updated_at": _iso(case.updated_at),
        "resolution_due_at": _iso(case.resolution_due_at),
        "resolved_at": _iso(case.resolved_at),
        "closed_at": _iso(case.closed_at),
        "url": absolute_url(f"/api/v1/cases/{case.reference}"),
        **extra,
    }


def case_webhook(case: Case, event_type: str, *, organisation_id: int | None = None,
                 **extra) -> None:
    """Queue `event_type` about `case` for the endpoints of its collectivité (or of
    `organisation_id`), in the caller's transaction."""
    webhook_event_queue(organisation=organisation_id or case.organisation_id,
                        event_type=event_type, data=lambda: case_webhook_data(case, **extra))
