"""Issue 14's RGPD journeys in a browser, axe on every page, at 360 and 1280 px: the resident
downloads her data then deletes her account; the archivist approves a bordereau
d'élimination."""

import io
import json
import zipfile

import pytest
from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from conftest import make_agent
from guichet.accounts.models import Membership
from guichet.cases.models import Case
from guichet.cases.services import case_close
from guichet.contact.services import contact_submit
from guichet.privacy.models import DataExport, Elimination, RetentionRule
from guichet.privacy.services import data_export_run, retention_run

from .conftest import PASSWORD, axe_violations, field, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [360, 1280])
def test_the_resident_downloads_her_data_then_deletes_her_account(live_server, page, case,
                                                                  resident, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server.url + reverse("portal:profile"), resident.email)
    page.get_by_role("link", name="Télécharger mes données").click()
    page.wait_for_url("**/compte/mes-donnees/")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Préparer l'archive de mes données").click()
    assert "Votre archive est en préparation" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    data_export_run(export_id=DataExport.objects.get(person=resident).pk)  # the worker
    page.reload()
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger l'archive du").click()
    archive = zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read()))
    data = json.loads(archive.read("donnees.json"))
    assert data["demandes"][0]["reference"] == case.reference
    assert "Mes demandes (1)" in archive.read("resume.html").decode()

    page.get_by_role("link", name="Voir ce que la suppression de mon compte efface").click()
    page.wait_for_url("**/compte/supprimer/")
    main = page.locator("main").inner_text()
    assert "Ce que la loi nous oblige à garder" in main and case.reference in main
    assert axe_violations(page) == []
    page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    summary = page.locator(".error-summary")
    assert "2 erreurs" in summary.inner_text()
    assert axe_violations(page) == []
    field(page, "Votre mot de passe").fill(PASSWORD)
    page.get_by_label("Je comprends que la suppression est définitive.").check()
    page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Votre compte est supprimé"
    assert axe_violations(page) == []
    assert not get_user_model().objects.filter(email=resident.email).exists()
    assert Case.objects.get(pk=case.pk).is_open  # the service still answers her
    if width == 1280:
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1


@pytest.mark.parametrize("width", [360, 1280])
def test_the_archivist_approves_a_bordereau(live_server, page, commune, unit, agent, resident,
                                           width):
    page.set_viewport_size({"width": width, "height": 900})
    archivist = make_agent("archives@hayange.fr", unit, Membership.Role.ARCHIVIST,
                           first_name="Anne", last_name="Vidal")
    RetentionRule.objects.create(organisation=commune, kind="contact", months=12,
                                 action=RetentionRule.Action.ELIMINATE)
    for n in range(2):
        old = contact_submit(unit=unit, subject=f"Ancien {n}", message="…", requester=resident)
        case_close(case=old, acting_user=agent, message="Fait.")
    Case.objects.update(closed_at=timezone.now() - relativedelta(months=13))
    retention_run()
    elimination = Elimination.objects.get()

    log_in(page, live_server.url + reverse("backoffice:inbox"), archivist.email)
    if width < 700:  # the menu is a disclosure on a phone
        page.locator("summary.menu-toggle").click()
    page.get_by_role("link", name="Bordereaux d'élimination").click()
    page.wait_for_url("**/agents/eliminations/")
    assert "En attente de visa" in page.locator("table").inner_text()
    assert axe_violations(page) == []
    page.get_by_role("link", name=elimination.number).click()
    assert page.locator("table tbody tr").count() == 2
    assert axe_violations(page) == []
    page.get_by_role("button", name="Enregistrer la décision").click()
    assert "Choisissez de viser ou de refuser." in page.locator(".error-summary").inner_text()
    assert axe_violations(page) == []
    page.get_by_label("Viser : les dossiers listés sont éliminés").check()
    page.get_by_role("button", name="Enregistrer la décision").click()
    assert "Visé, éliminé" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    assert not Case.objects.exists()
