"""Issue 14's DPO in a browser: the DPO finds a resident, reads who saw her data and when,
exports it, then reads the register of processing activities and its printable copy. axe on
every page, at 360 and 1280 px."""

import pytest
from django.urls import reverse

from guichet.journal.models import Entry
from guichet.journal.services import journal_record

from .conftest import axe_violations, field, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [360, 1280])
def test_the_dpo_reads_a_person_access_history_and_the_register(live_server, page, dpo, agent,
                                                                case, resident, canteen,
                                                                width):
    page.set_viewport_size({"width": width, "height": 900})
    # What the case page and the person page write when an agent opens them.
    journal_record(actor=agent, action=Entry.Action.CASE_VIEWED, case=case, person=resident)
    journal_record(actor=agent, action=Entry.Action.PERSON_VIEWED, person=resident)

    log_in(page, live_server.url + reverse("backoffice:dpo_people"), dpo.email)
    assert axe_violations(page) == []
    field(page, "Adresse électronique ou nom de la personne").fill("durand")
    page.get_by_role("button", name="Rechercher").click()
    assert "1 personne trouvée" in page.locator("caption").inner_text()
    page.get_by_role("link", name="Alice Durand : historique des accès").click()
    page.wait_for_url(f"**/personnes/{resident.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == \
        "Historique des accès — Alice Durand"
    history = page.locator("table tbody").inner_text()
    assert "Paul Lemoine" in history
    assert "Consultation d'une demande" in history and case.reference in history
    assert "Consultation d'une fiche usager" in history
    assert axe_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV — historique des accès de alice@exemple.fr").click()
    assert download.value.suggested_filename == f"acces-usager-{resident.pk}.csv"

    page.get_by_role("link", name="Registre des traitements").first.click()
    page.wait_for_url("**/donnees-personnelles/registre/")
    assert page.get_by_role("heading", name="Démarche « Inscription à la cantine scolaire »")\
        .is_visible()
    assert "Calculer le tarif" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    page.get_by_role("link", name="version imprimable").click()
    assert "utilisez la commande Imprimer" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    if width == 1280:
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
