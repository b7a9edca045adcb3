import pytest
from django.urls import reverse

from conftest import make_agent, make_unit
from guichet.cases.models import Event
from guichet.contact.services import contact_submit
from guichet.intake.routing import case_suggestions, routing_train

ROADS = ["Nid-de-poule rue {n}", "Trottoir abîmé avenue {n}", "Chaussée dégradée chemin {n}",
         "Lampadaire éteint place {n}"]
CIVIL = ["Acte de naissance pour {n}", "Copie d'acte de mariage {n}", "Livret de famille {n}",
         "Recensement citoyen de mon fils {n}"]


@pytest.fixture
def history(unit, other_unit):
    for n in range(15):
        for template in ROADS:
            contact_submit(unit=unit, subject=template.format(n=n), message="Merci.",
                           name="X", email="x@exemple.fr")
        for template in CIVIL:
            contact_submit(unit=other_unit, subject=template.format(n=n), message="Merci.",
                           name="Y", email="y@exemple.fr")
    return routing_train()


def test_training_measures_accuracy_on_held_out_cases(history):
    assert history.samples == 120 and history.units == 2
    assert history.top1 >= 0.9 and history.top3 == 1.0


def test_a_misrouted_message_gets_the_right_unit_suggested_and_accepted(client, history,
                                                                         commune, unit):
    reception = make_unit(commune, "Accueil")
    receptionist = make_agent("accueil@hayange.fr", reception)
    case = contact_submit(unit=reception, subject="Gros nid-de-poule rue Foch",
                          message="Dangereux pour les vélos.", name="Z", email="z@exemple.fr")
    [best, *_] = case_suggestions(case)
    assert best.unit == unit and best.confidence > 0.5
    client.force_login(receptionist)
    html = client.get(case.get_backoffice_url()).content.decode()
    assert "Service suggéré" in html and "Transférer à Voirie" in html
    client.post(reverse("backoffice:case_accept_suggestion", args=[case.reference]),
                {"unit": unit.pk})
    case.refresh_from_db()
    assert case.unit == unit
    assert "Service suggéré" in case.events.get(kind=Event.Kind.TRANSFERRED).body


def test_no_suggestion_without_a_model_or_when_already_right(unit, history):
    case = contact_submit(unit=unit, subject="Trottoir abîmé rue Foch", message="…",
                          name="Z", email="z@exemple.fr")
    assert case_suggestions(case) == []


def test_it_checks_ownership(client, history, commune, unit, other_agent):
    """Accepting a suggestion needs to be an agent of the case's unit."""
    reception = make_unit(commune, "Accueil")
    case = contact_submit(unit=reception, subject="Nid-de-poule", message="…", name="Z",
                          email="z@exemple.fr")
    client.force_login(other_agent)
    response = client.post(reverse("backoffice:case_accept_suggestion",
                                   args=[case.reference]), {"unit": unit.pk})
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.unit == reception


@pytest.fixture
def without_sklearn(monkeypatch):
    """scikit-learn not installed (the `routing` extra left out): its import fails."""
    import sys

    from guichet.intake import routing

    for name in [n for n in sys.modules if n == "sklearn" or n.startswith("sklearn.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "sklearn", None)
    routing._loaded.cache_clear()
    yield
    routing._loaded.cache_clear()


def test_without_scikit_learn_no_suggestion_and_no_error(client, history, commune, unit,
                                                         without_sklearn):
    reception = make_unit(commune, "Accueil")
    receptionist = make_agent("accueil@hayange.fr", reception)
    case = contact_submit(unit=reception, subject="Gros nid-de-poule rue Foch",
                          message="Dangereux pour les vélos.", name="Z", email="z@exemple.fr")
    assert case_suggestions(case) == []
    client.force_login(receptionist)
    response = client.get(case.get_backoffice_url())
    assert response.status_code == 200 and "Service suggéré" not in response.content.decode()
    with pytest.raises(ValueError, match="option « routing »"):
        routing_train()
