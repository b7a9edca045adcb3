import csv
import io

from django.urls import reverse

from guichet.contact.services import contact_submit
from guichet.stats.models import InboxExport
from guichet.stats.services import inbox_export_run


def test_it_checks_ownership(client, agent, other_agent, unit, other_unit, resident):
    """The export lists the requester's cases only; its link works for them alone."""
    contact_submit(unit=unit, subject="Trottoir abîmé", message="…", name="Léa Martin",
                   email="lea@exemple.fr")
    contact_submit(unit=other_unit, subject="Acte de naissance", message="…",
                   requester=resident)
    client.force_login(agent)
    response = client.post(reverse("backoffice:inbox_export"),
                           {"fmt": "csv", "onglet": "open", "status": "new"})
    assert response.status_code == 302
    export = InboxExport.objects.get()
    assert export.status == InboxExport.Status.PENDING
    inbox_export_run(export_id=export.pk)  # what the worker does
    export.refresh_from_db()
    assert export.status == InboxExport.Status.DONE and export.rows == 1
    page = client.get(reverse("backoffice:inbox_exports")).content.decode()
    assert "Statut : Nouvelle" in page
    download = client.get(reverse("backoffice:inbox_export_file", args=[export.key]))
    text = b"".join(download.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert [r[6] for r in rows[1:]] == ["Trottoir abîmé"]
    client.force_login(other_agent)
    assert client.get(reverse("backoffice:inbox_export_file",
                              args=[export.key])).status_code == 404
    client.force_login(resident)
    assert client.post(reverse("backoffice:inbox_export"), {"fmt": "csv"}).status_code == 403


def test_an_expired_link_no_longer_works(client, agent, unit):
    import datetime as dt

    from django.utils import timezone

    from guichet.stats.services import inbox_exports_expire

    client.force_login(agent)
    client.post(reverse("backoffice:inbox_export"), {"fmt": "ods"})
    export = inbox_export_run(export_id=InboxExport.objects.get().pk)
    InboxExport.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(reverse("backoffice:inbox_export_file",
                              args=[export.key])).status_code == 404
    assert inbox_exports_expire() == 1
    export.refresh_from_db()
    assert export.status == InboxExport.Status.EXPIRED and not export.file


def test_a_bad_format_is_said_in_french(client, agent):
    client.force_login(agent)
    response = client.post(reverse("backoffice:inbox_export"), {"fmt": "pdf"}, follow=True)
    assert "Choisissez un format" in response.content.decode()
