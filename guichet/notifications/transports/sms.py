"""SMS transport behind one setting: `console` prints, `file` appends to VAR_DIR/sms.log (the
demo and tests read it), `http` posts to a gateway's JSON API (SMS_HTTP_URL, bearer token)."""

from __future__ import annotations

import json
import logging
import urllib.request

from django.conf import settings

logger = logging.getLogger(__name__)


class SmsError(Exception):
    pass


def _line(notification) -> str:
    return f"{notification.recipient}\t{notification.body_text}"


def send(notification) -> None:
    backend = settings.SMS_BACKEND
    if backend == "console":
        print(f"[SMS] {_line(notification)}", flush=True)  # noqa: T201 - the demo's transport
    elif backend == "file":
        path = settings.VAR_DIR / "sms.log"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as log:
            log.write(_line(notification) + "\n")
    elif backend == "http":
        body = json.dumps({"sender": settings.SMS_SENDER, "to": notification.recipient,
                           "text": notification.body_text,
                           "reference": str(notification.uuid)}).encode()
        request = urllib.request.Request(settings.SMS_HTTP_URL, data=body, method="POST",
                                         headers={"Content-Type": "application/json",
                                                  "Authorization":
                                                      f"Bearer {settings.SMS_HTTP_TOKEN}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            if response.status >= 300:
                raise SmsError(f"passerelle SMS : HTTP {response.status}")
    else:
        raise SmsError(f"SMS_BACKEND inconnu : {backend!r}")
