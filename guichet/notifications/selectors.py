"""Read-only views of the outbox for the back-office."""

from __future__ import annotations

from .models import TransportHealth
from .tasks import CHANNEL_PLURALS


def failing_transports() -> list[TransportHealth]:
    """Channels whose deliveries currently fail, with `label` (« courriels », « SMS ») and since
    when; empty when everything goes out."""
    failing = list(TransportHealth.objects.filter(failing_since__isnull=False)
                   .order_by("failing_since"))
    for health in failing:
        health.label = CHANNEL_PLURALS[health.channel]
    return failing
