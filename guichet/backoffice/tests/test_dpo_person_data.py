"""The DPO prepares « Mes données » for someone who asks at the counter, identity checked."""

import io
import json
import zipfile

from django.urls import reverse

from guichet.journal.models import Entry
from guichet.privacy.models import DataExport
from guichet.privacy.services import data_export_run


def url(person):
    return reverse("backoffice:dpo_person_data", args=[person.pk])


def test_identity_checked_then_the_dpo_downloads_it(client, dpo, resident, case):
    client.force_login(dpo)
    html = client.post(url(resident), follow=True).content.decode()
    assert "Vérifiez l&#x27;identité de la personne" in html
    assert not DataExport.objects.exists()
    html = client.post(url(resident), {"identity_checked": "on"}, follow=True).content.decode()
    assert "L&#x27;archive est en préparation" in html
    export = DataExport.objects.get(person=resident, requested_by=dpo)
    data_export_run(export_id=export.pk)
    html = client.get(reverse("backoffice:dpo_person", args=[resident.pk])).content.decode()
    download = reverse("backoffice:dpo_person_data_download", args=[export.key])
    assert download in html
    response = client.get(download)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert case.reference in archive.read("donnees.json").decode()
    assert json.loads(archive.read("donnees.json"))["profil"]["prenom"] == "Alice"
    assert Entry.objects.filter(actor=dpo, person=resident, action=Entry.Action.DATA_EXPORTED,
                                details__identity_checked=True).exists()
    assert Entry.objects.filter(actor=dpo, action=Entry.Action.DATA_EXPORTED,
                                details__downloaded=True).exists()


def test_it_checks_ownership(client, dpo, agent, resident, case, other_commune):
    from conftest import make_agent, make_unit
    from guichet.accounts.models import Membership

    client.force_login(agent)  # an agent is not the DPO
    assert client.post(url(resident), {"identity_checked": "on"}).status_code == 403
    far = make_agent("dpo@ailleurs.fr", make_unit(other_commune, "DPO"), Membership.Role.DPO)
    client.force_login(far)  # a DPO of another collectivité does not know this person
    assert client.post(url(resident), {"identity_checked": "on"}).status_code == 404
    assert not DataExport.objects.exists()
    client.force_login(dpo)
    client.post(url(resident), {"identity_checked": "on"})
    export = DataExport.objects.get()
    data_export_run(export_id=export.pk)
    download = reverse("backoffice:dpo_person_data_download", args=[export.key])
    for someone in (far, resident):
        client.force_login(someone)
        assert client.get(download).status_code in (403, 404)
