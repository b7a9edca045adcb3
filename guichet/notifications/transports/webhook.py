"""Webhook transport: one signed POST (Standard Webhooks) with the standard library's HTTP
client; redirects are not followed (a receiver that moved says so with a new URL)."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from standardwebhooks.webhooks import Webhook

USER_AGENT = "Guichet-Webhooks/1"


@dataclass(frozen=True)
class Answer:
    """What one attempt got: the HTTP status (None when no answer came), the time it took, and
    an error text for the log."""

    status_code: int | None
    elapsed_ms: int
    error: str = ""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def body_of(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def signed_headers(*, secret: str, event_id: str, body: bytes,
                   at: dt.datetime | None = None) -> dict[str, str]:
    """`webhook-id`, `webhook-timestamp` and `webhook-signature` = `v1,` + base64 of
    HMAC-SHA256(secret bytes, "{id}.{timestamp}.{body}")."""
    at = at or dt.datetime.now(dt.UTC)
    return {"webhook-id": event_id, "webhook-timestamp": str(int(at.timestamp())),
            "webhook-signature": Webhook(secret).sign(event_id, at, body)}


def send(*, url: str, secret: str, event_id: str, payload: dict, timeout: float) -> Answer:
    body = body_of(payload)
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
               **signed_headers(secret=secret, event_id=event_id, body=body)}
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        with _opener.open(request, timeout=timeout) as response:
            response.read(1024)
            return Answer(response.status, elapsed())
    except urllib.error.HTTPError as exc:
        text = exc.read(300).decode("utf-8", "replace").strip()
        return Answer(exc.code, elapsed(), f"HTTP {exc.code} {exc.reason}. {text}".strip()[:500])
    except TimeoutError:
        return Answer(None, elapsed(), f"Pas de réponse en {timeout:g} s.")
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            return Answer(None, elapsed(), f"Pas de réponse en {timeout:g} s.")
        return Answer(None, elapsed(), f"Connexion impossible : {reason}"[:500])
    # A reset connection, a malformed answer, a bad URL.
    except (OSError, ValueError, http.client.HTTPException) as exc:
        return Answer(None, elapsed(), f"{type(exc).__name__}: {exc}"[:500])
