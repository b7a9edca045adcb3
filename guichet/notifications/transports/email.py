"""Email transport: Django's email framework (SMTP in production)."""

import base64

from django.conf import settings
from django.core.mail import EmailMultiAlternatives


def send(notification, connection=None) -> None:
    """`connection`: an open SMTP session shared by a batch (Django opens one otherwise)."""
    message = EmailMultiAlternatives(
        connection=connection,
        subject=notification.subject,
        body=notification.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient],
        headers={"Message-ID": notification.message_id,
                 "Auto-Submitted": "auto-generated", **(notification.headers or {})},
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    for item in notification.attachments or []:
        # A binary attachment (a PDF report) is kept in the outbox as base64 text.
        content = (base64.b64decode(item["content"]) if item.get("encoding") == "base64"
                   else item["content"])
        message.attach(item["filename"], content, item["mimetype"])
    message.send(fail_silently=False)
