from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from guichet.cases.models import Attachment
from guichet.cases.services import case_add_note
from guichet.contact.services import contact_submit
from guichet.journal.models import Entry
from guichet.lib.files import check_upload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(name="plan.pdf"):
    return check_upload(SimpleUploadedFile(name, PDF))


def test_the_owner_downloads_the_file_under_its_original_name(client, unit, resident):
    case = contact_submit(unit=unit, subject="Plan", message="Ci-joint.", requester=resident,
                          files=[upload()])
    item = Attachment.objects.get(case=case)
    assert "plan" not in item.file.name  # stored under a random name
    client.force_login(resident)
    response = client.get(reverse("portal:attachment", args=[item.key]))
    assert b"".join(response.streaming_content) == PDF
    assert "plan.pdf" in response["Content-Disposition"]


def test_an_agent_of_the_unit_downloads_it_and_the_view_is_journaled(client, unit, resident,
                                                                     agent):
    case = contact_submit(unit=unit, subject="Plan", message="…", requester=resident,
                          files=[upload()])
    client.force_login(agent)
    item = case.attachments.get()
    assert client.get(reverse("portal:attachment", args=[item.key])).status_code == 200
    assert Entry.objects.filter(action=Entry.Action.ATTACHMENT_VIEWED, actor=agent).exists()


def test_the_browser_that_filed_without_an_account_can_download(client, unit):
    client.post(reverse("portal:contact_unit", args=[unit.organisation.slug, unit.slug]),
                {"subject": "Plan", "message": "…", "name": "Marc", "email": "marc@exemple.fr",
                 "attachments": SimpleUploadedFile("plan.pdf", PDF)})
    item = Attachment.objects.get()
    assert client.get(reverse("portal:attachment", args=[item.key])).status_code == 200


def test_it_checks_ownership(client, unit, resident, other_resident, other_agent, agent):
    case = contact_submit(unit=unit, subject="Plan", message="…", requester=resident,
                          files=[upload()])
    public = case.attachments.get()
    note = case_add_note(case=case, agent=agent, body="Devis", files=[upload("devis.pdf")])
    internal = note.attachments.get()
    url = reverse("portal:attachment", args=[public.key])
    assert client.get(url).status_code == 404  # nobody signed in
    for outsider in (other_resident, other_agent):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    client.force_login(resident)
    assert client.get(reverse("portal:attachment", args=[internal.key])).status_code == 404
