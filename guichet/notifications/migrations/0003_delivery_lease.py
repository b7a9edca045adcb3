import datetime as dt

from django.db import migrations, models

LINKS = ["magic_link", "password_reset", "email_verification"]


def fill(apps, schema_editor):
    """Existing rows keep the Message-ID they were sent with (`<uuid@guichet>`); those being
    sent get a lease from their claim; legal notices get their retry window."""
    Notification = apps.get_model("notifications", "Notification")
    for row in Notification.objects.only("pk", "uuid", "mandatory", "case_id", "template",
                                         "created_at", "claimed_at", "status").iterator():
        legal = (row.mandatory or row.case_id is not None) and row.template not in LINKS
        Notification.objects.filter(pk=row.pk).update(
            message_id=f"<{row.uuid}@guichet>", legal=legal,
            retry_until=row.created_at + dt.timedelta(days=7) if legal else None,
            claimed_until=(row.claimed_at + dt.timedelta(seconds=300)
                           if row.status == "sending" and row.claimed_at else None))


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0002_sms_channel"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification", name="message_id",
            field=models.CharField(max_length=255, null=True, verbose_name="Message-ID"),
        ),
        migrations.AddField(
            model_name="notification", name="legal",
            field=models.BooleanField(default=False, verbose_name="valeur légale"),
        ),
        migrations.AddField(
            model_name="notification", name="retry_until",
            field=models.DateTimeField(blank=True, null=True,
                                       verbose_name="réessayer jusqu'au"),
        ),
        migrations.AddField(
            model_name="notification", name="claimed_by",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name="notification", name="claimed_until",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="notification", name="failed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="notification", name="rejected",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="notification", name="message_id",
            field=models.CharField(max_length=255, unique=True, verbose_name="Message-ID"),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(fields=["status", "claimed_until"],
                               name="notificatio_status_3bc623_idx"),
        ),
        migrations.CreateModel(
            name="TransportHealth",
            fields=[
                ("channel", models.CharField(choices=[("email", "Courriel"), ("sms", "SMS")],
                                             max_length=10, primary_key=True, serialize=False)),
                ("failing_since", models.DateTimeField(blank=True, null=True)),
                ("last_error", models.TextField(blank=True)),
                ("alerted_at", models.DateTimeField(blank=True, null=True)),
                ("recovered_at", models.DateTimeField(blank=True, null=True)),
            ],
        ),
    ]
