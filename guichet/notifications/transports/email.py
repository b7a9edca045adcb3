"""Email transport: Django's email framework (SMTP in production)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives


def send(notification) -> None:
    message = EmailMultiAlternatives(
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
        message.attach(item["filename"], item["content"], item["mimetype"])
    message.send(fail_silently=False)
