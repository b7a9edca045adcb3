"""The REST API v1: tokens, scopes, the same permissions as the back-office, cursor pages,
problem+json errors, rate limits with Retry-After, journaled writes, the OpenAPI document."""

import pytest
from django.core import mail

from guichet.accounts.models import ApiToken
from guichet.accounts.services import api_token_create, api_token_revoke
from guichet.cases.models import Event
from guichet.contact.services import contact_submit
from guichet.journal.models import Entry

pytestmark = pytest.mark.django_db

ALL = [ApiToken.Scope.CASES_READ, ApiToken.Scope.CASES_WRITE,
       ApiToken.Scope.ORGANISATIONS_READ]


@pytest.fixture
def token(agent, commune):
    return api_token_create(name="GED de la mairie", organisation=commune, acts_for=agent,
                            scopes=ALL, acting_user=None)


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_the_secret_is_shown_once_and_only_its_hash_is_kept(token):
    row, secret = token
    assert secret.startswith(f"gch_{row.prefix}_")
    assert secret.split("_", 2)[2] not in row.secret_hash
    assert Entry.objects.filter(details__setting="api_token_created").exists()


def test_without_a_valid_token_the_answer_is_a_problem_document(client, token):
    for headers in ({}, bearer("gch_nope_nope"), bearer(token[1] + "x")):
        response = client.get("/api/v1/cases", **headers)
        assert response.status_code == 401
        assert response["Content-Type"] == "application/problem+json"
        assert response["WWW-Authenticate"] == "Bearer"
        assert response.json()["title"] == "Authentification requise"
    api_token_revoke(token=token[0], acting_user=None)
    assert client.get("/api/v1/cases", **bearer(token[1])).status_code == 401


def test_cases_are_listed_newest_first_with_a_cursor(client, token, unit, case,
                                                    django_assert_max_num_queries):
    for i in range(4):
        contact_submit(unit=unit, subject=f"Demande {i}", message="Texte.",
                       name="Marc", email="marc@exemple.fr")
    with django_assert_max_num_queries(10):  # the same for 1 or 200 rows: none per row
        page = client.get("/api/v1/cases?limit=3", **bearer(token[1])).json()
    assert [c["subject"] for c in page["items"]] == ["Demande 3", "Demande 2", "Demande 1"]
    assert page["items"][0]["unit"]["name"] == "Voirie"
    rest = client.get(f"/api/v1/cases?limit=3&cursor={page['next_cursor']}",
                      **bearer(token[1])).json()
    assert [c["subject"] for c in rest["items"]] == ["Demande 0", "Nid-de-poule rue Foch"]
    assert rest["next_cursor"] is None
    assert client.get("/api/v1/cases?status=closed", **bearer(token[1])).json()["items"] == []


def test_bad_parameters_are_explained(client, token):
    response = client.get("/api/v1/cases?limit=5000&received_from=hier", **bearer(token[1]))
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"limit", "received_from"} <= fields
    bad = client.get("/api/v1/cases?cursor=%%%", **bearer(token[1]))
    assert bad.status_code == 400 and "Curseur invalide" in bad.json()["detail"]


def test_it_checks_ownership(client, token, case, other_unit, commune, other_commune):
    """A token sees what its agent sees, within its collectivité, with its scopes only."""
    elsewhere = contact_submit(unit=other_unit, subject="État civil", message="x",
                               name="Zoé", email="zoe@exemple.fr")
    secret = token[1]
    assert client.get(f"/api/v1/cases/{case.reference}", **bearer(secret)).status_code == 200
    hidden = client.get(f"/api/v1/cases/{elsewhere.reference}", **bearer(secret))
    assert hidden.status_code == 404 and hidden["Content-Type"] == "application/problem+json"
    listed = {c["reference"] for c in client.get("/api/v1/cases", **bearer(secret)).json()[
        "items"]}
    assert listed == {case.reference}
    # The same agent, a token of another collectivité: nothing.
    _, foreign = api_token_create(name="Autre", organisation=other_commune,
                                  acts_for=token[0].acts_for, scopes=ALL, acting_user=None)
    assert client.get("/api/v1/cases", **bearer(foreign)).json()["items"] == []
    # Read-only: no reply.
    _, reader = api_token_create(name="Lecture", organisation=commune,
                                 acts_for=token[0].acts_for,
                                 scopes=[ApiToken.Scope.CASES_READ], acting_user=None)
    refused = client.post(f"/api/v1/cases/{case.reference}/reply", {"body": "Bonjour"},
                          content_type="application/json", **bearer(reader))
    assert refused.status_code == 403 and "cases:write" in refused.json()["detail"]
    assert client.get("/api/v1/organisations", **bearer(reader)).status_code == 403


def test_a_reply_reaches_the_resident_and_the_journal_names_the_application(client, token,
                                                                           case, deliver):
    response = client.post(f"/api/v1/cases/{case.reference}/reply",
                           {"body": "Une équipe passe jeudi."},
                           content_type="application/json", **bearer(token[1]))
    assert response.status_code == 201 and response.json()["by"] == "agent"
    assert Event.objects.filter(case=case, kind=Event.Kind.AGENT_MESSAGE,
                                body="Une équipe passe jeudi.").exists()
    entry = Entry.objects.get(case=case, action=Entry.Action.CASE_REPLIED)
    assert entry.actor == token[0].acts_for
    assert entry.details["via"] == "api:GED de la mairie"
    deliver()
    assert any("Une équipe passe jeudi." in m.body for m in mail.outbox)
    detail = client.get(f"/api/v1/cases/{case.reference}", **bearer(token[1])).json()
    assert ("agent_message", "Une équipe passe jeudi.", "agent") in [
        (e["kind"], e["body"], e["by"]) for e in detail["timeline"]]
    assert detail["requester_email"] == case.requester_email
    empty = client.post(f"/api/v1/cases/{case.reference}/reply", {"body": ""},
                        content_type="application/json", **bearer(token[1]))
    assert empty.status_code == 422


def test_the_rate_limit_answers_429_with_retry_after(client, token, settings):
    settings.API_REQUESTS_PER_MINUTE = 3
    codes = [client.get("/api/v1/organisations", **bearer(token[1])).status_code
             for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    last = client.get("/api/v1/organisations", **bearer(token[1]))
    assert last["Content-Type"] == "application/problem+json"
    assert int(last["Retry-After"]) >= 1


def test_the_openapi_document_and_the_docs_are_served(client):
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    assert {"/api/v1/cases", "/api/v1/cases/{reference}", "/api/v1/cases/{reference}/reply",
            "/api/v1/organisations"} <= set(document["paths"])
    assert "bearerAuth" in str(document["components"]["securitySchemes"]) or \
        document["components"]["securitySchemes"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and b"swagger-ui" in docs.content


def test_organisations_and_their_units(client, token, unit, other_unit):
    data = client.get("/api/v1/organisations", **bearer(token[1])).json()
    hayange = next(o for o in data if o["slug"] == unit.organisation.slug)
    assert {u["name"] for u in hayange["units"]} == {"Voirie", "État civil"}


def test_a_reply_sent_twice_with_the_same_idempotency_key_is_written_once(client, token,
                                                                          case):
    url = f"/api/v1/cases/{case.reference}/reply"
    headers = {**bearer(token[1]), "HTTP_IDEMPOTENCY_KEY": "ged-4411"}
    first = client.post(url, {"body": "Réparé ce matin."}, content_type="application/json",
                        **headers)
    again = client.post(url, {"body": "Réparé ce matin."}, content_type="application/json",
                        **headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Event.objects.filter(case=case, body="Réparé ce matin.").count() == 1
    other = client.post(f"/api/v1/cases/{case.reference}/reply", {"body": "Autre."},
                        content_type="application/json",
                        **{**bearer(token[1]), "HTTP_IDEMPOTENCY_KEY": "ged-4412"})
    assert other.status_code == 201
    assert Event.objects.filter(case=case, body="Autre.").count() == 1


def test_transfer_and_close_go_through_the_case_services(client, token, case, other_unit,
                                                        other_commune, deliver):
    from conftest import make_unit

    url = f"/api/v1/cases/{case.reference}"
    foreign = make_unit(other_commune, "Voirie d'ailleurs")
    refused = client.post(f"{url}/transfer", {"unit": foreign.pk, "reason": "Pas chez nous"},
                          content_type="application/json", **bearer(token[1]))
    assert refused.status_code == 409
    assert "n'appartient ni à la collectivité" in refused.json()["detail"]
    closed = client.post(f"{url}/close", {"message": "Le trou est rebouché."},
                         content_type="application/json", **bearer(token[1]))
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert Entry.objects.get(case=case, action=Entry.Action.CASE_CLOSED).details["via"] == \
        "api:GED de la mairie"
    deliver()
    assert any("Le trou est rebouché." in m.body for m in mail.outbox)
    again = client.post(f"{url}/close", {"message": "Encore"}, content_type="application/json",
                        **bearer(token[1]))
    assert again.status_code == 409


def test_a_transfer_moves_the_case_to_another_unit(client, token, case, other_unit):
    moved = client.post(f"/api/v1/cases/{case.reference}/transfer",
                        {"unit": other_unit.pk, "reason": "Relève de l'état civil"},
                        content_type="application/json", **bearer(token[1]))
    assert moved.status_code == 200 and moved.json()["unit"]["name"] == "État civil"
    # Its agent does not work for that unit: the token no longer sees the case.
    assert client.get(f"/api/v1/cases/{case.reference}", **bearer(token[1])).status_code == 404
    unknown = client.post(f"/api/v1/cases/{case.reference}/transfer",
                          {"unit": 99999, "reason": "x"}, content_type="application/json",
                          **bearer(token[1]))
    assert unknown.status_code == 404  # the case itself is out of sight now


def test_a_call_is_recorded_for_a_resident_once_with_an_idempotency_key(client, token,
                                                                      other_unit, deliver):
    from guichet.cases.models import Case

    body = {"channel": "phone", "unit": other_unit.pk, "subject": "Acte de naissance",
            "message": "Demande une copie intégrale.", "requester_name": "Léa Martin",
            "requester_email": "lea@exemple.fr", "requester_phone": "06 12 34 56 78"}
    headers = {**bearer(token[1]), "HTTP_IDEMPOTENCY_KEY": "crm-991"}
    first = client.post("/api/v1/cases", body, content_type="application/json", **headers)
    again = client.post("/api/v1/cases", body, content_type="application/json", **headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and first.json()["unit"]["name"] == "État civil"
    case = Case.objects.get(reference=first.json()["reference"])
    assert (case.channel, case.requester_phone) == ("phone", "+33612345678")
    assert Case.objects.filter(subject="Acte de naissance").count() == 1
    assert Entry.objects.get(case=case, action=Entry.Action.CASE_CREATED).details["via"] == \
        "api:GED de la mairie"
    assert any(m.to == ["lea@exemple.fr"] for m in deliver())  # the receipt


def test_a_bad_new_case_lists_every_wrong_field(client, token, other_commune):
    from conftest import make_unit

    foreign = make_unit(other_commune, "Ailleurs")
    response = client.post("/api/v1/cases", {
        "channel": "web", "unit": foreign.pk, "subject": "", "message": "x",
        "requester_name": "Léa"}, content_type="application/json", **bearer(token[1]))
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} >= {"channel", "subject"}
    response = client.post("/api/v1/cases", {
        "channel": "phone", "unit": foreign.pk, "subject": "Objet", "message": "x",
        "requester_name": "Léa", "requester_email": "pas-une-adresse",
        "requester_phone": "abc"}, content_type="application/json", **bearer(token[1]))
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {
        "unit", "requester_email", "requester_phone"}


def test_a_fault_of_ours_is_a_problem_document_without_a_trace(client, token, monkeypatch):
    import guichet.api.v1 as v1

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(v1, "cases_filtered", broken)
    response = client.get("/api/v1/cases", **bearer(token[1]))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    assert "secret internals" not in response.content.decode()
    assert response.json()["title"] == "Erreur du serveur"
