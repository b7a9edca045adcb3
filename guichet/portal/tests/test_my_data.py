"""« Mes données »: a resident asks for the archive of their data and downloads it."""

import datetime as dt
import io
import json
import zipfile

from django.urls import reverse
from django.utils import timezone

from guichet.privacy.models import DataExport
from guichet.privacy.services import data_export_request, data_export_run

URL = reverse("portal:my_data")


def test_the_resident_asks_then_downloads_the_archive(client, resident, case):
    client.force_login(resident)
    html = client.get(URL).content.decode()
    assert "Préparer l'archive de mes données" in html
    response = client.post(URL, follow=True)
    assert "Votre archive est en préparation" in response.content.decode()
    export = DataExport.objects.get(person=resident)
    assert "En préparation" in client.get(URL).content.decode()
    client.post(URL)  # asked twice while it is prepared: one archive
    assert DataExport.objects.count() == 1
    data_export_run(export_id=export.pk)
    html = client.get(URL).content.decode()
    download = reverse("portal:my_data_download", args=[export.key])
    assert download in html and "Télécharger l'archive" in html
    response = client.get(download)
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert case.reference in json.dumps(json.loads(archive.read("donnees.json")))


def test_an_expired_archive_is_gone(client, resident):
    export = data_export_request(person=resident, acting_user=resident)
    data_export_run(export_id=export.pk)
    DataExport.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1))
    client.force_login(resident)
    response = client.get(reverse("portal:my_data_download", args=[export.key]))
    assert response.status_code == 410
    assert "a expiré" in response.content.decode()


def test_it_checks_ownership(client, resident, other_resident, dpo):
    assert client.get(URL).status_code == 302  # signed in only
    export = data_export_request(person=resident, acting_user=resident)
    data_export_run(export_id=export.pk)
    download = reverse("portal:my_data_download", args=[export.key])
    for someone in (other_resident, dpo):
        client.force_login(someone)
        assert client.get(download).status_code == 404
        assert export.key not in client.get(URL).content.decode()
    # An archive the DPO prepared at the counter is not downloadable by the person either.
    counter = DataExport.objects.create(person=resident, requested_by=dpo,
                                        expires_at=timezone.now() + dt.timedelta(days=1),
                                        status=DataExport.Status.DONE)
    client.force_login(resident)
    assert client.get(reverse("portal:my_data_download", args=[counter.key])).status_code == 404
