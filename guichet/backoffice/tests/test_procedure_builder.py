"""Building a procedure in the browser: settings, fields, documents, preview, publishing."""

from django.urls import reverse

from guichet.procedures.models import Procedure

SETTINGS = {
    "title": "Occupation du domaine public", "slug": "", "summary": "Terrasse, échafaudage.",
    "audience": "business", "identification_required": "on", "terms": "CGU",
    "processing_purpose": "Instruire la demande", "dpo_contact": "dpo@hayange.fr",
    "implicit": "sva", "implicit_delay_months": "2", "appeal_routes": "",
    "owes_acknowledgement": "on", "decision_template": "", "draft_days": "30",
}


def test_an_administrator_builds_and_publishes_a_procedure(client, procedure_admin, unit):
    client.force_login(procedure_admin)
    response = client.post(reverse("backoffice:procedure_add"), {**SETTINGS, "unit": unit.pk})
    procedure = Procedure.objects.get()
    assert procedure.slug == "occupation-du-domaine-public"
    builder = reverse("backoffice:procedure_builder", args=[procedure.pk])
    assert response.url == builder
    response = client.post(builder + "champs/", {"page": "0", "type": "siret",
                                     "label": "SIRET de l'entreprise", "required": "on",
                                     "purpose": "Identifier l'entreprise"})
    response = client.post(builder + "champs/", {"page": "0", "type": "choice",
                                     "label": "Nature", "choices": "", "purpose": "x"})
    assert response.status_code == 400 and "Indiquez au moins un choix" in response.text
    assert 'value="Nature"' in response.text
    client.post(builder + "champs/", {"page": "0", "type": "text",
                          "label": "<script>alert(1)</script>", "purpose": "test",
                          "condition_field": "siret_de_lentreprise", "condition_op": "not_empty"})
    client.post(builder + "pieces/", {"piece-label": "Plan de l'emprise",
                          "piece-type": "plan", "piece-required": "on",
                          "piece-formats": ["pdf"]})
    procedure.refresh_from_db()
    assert procedure.definition["documents"][0]["formats"] == ["pdf"]
    fields = procedure.definition["pages"][0]["fields"]
    assert [f["type"] for f in fields] == ["siret", "text"]
    assert fields[1]["condition"]["field"] == "siret_de_lentreprise"
    response = client.get(reverse("backoffice:procedure_preview", args=[procedure.pk]))
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;" in response.text
    client.post(reverse("backoffice:procedure_publish", args=[procedure.pk]))
    procedure.refresh_from_db()
    assert procedure.current_version.number == 1
    assert client.get(procedure.get_absolute_url()).status_code == 200


def test_publishing_is_refused_while_something_is_missing(client, procedure_admin, unit):
    client.force_login(procedure_admin)
    client.post(reverse("backoffice:procedure_add"), {**SETTINGS, "unit": unit.pk})
    procedure = Procedure.objects.get()
    builder = reverse("backoffice:procedure_builder", args=[procedure.pk])
    client.post(builder + "champs/", {"page": "0", "type": "text", "label": "Nom"})
    response = client.post(reverse("backoffice:procedure_publish", args=[procedure.pk]),
                           follow=True)
    assert "ne peut pas être publiée" in response.text
    assert "pourquoi vous demandez" in response.text
    procedure.refresh_from_db()
    assert not procedure.is_published


def test_it_checks_ownership(client, canteen, agent, other_agent):
    client.force_login(agent)  # a plain agent of the unit does not build
    assert client.get(reverse("backoffice:procedure_add")).status_code == 403
    for name in ("procedure_edit", "procedure_builder", "procedure_preview"):
        assert client.get(reverse(f"backoffice:{name}", args=[canteen.pk])).status_code == 403
    assert client.post(reverse("backoffice:procedure_publish",
                               args=[canteen.pk])).status_code == 403
    builder = reverse("backoffice:procedure_builder", args=[canteen.pk])
    actions = ["pages/", "pages/modifier/", "pages/supprimer/", "champs/", "champs/modifier/",
               "champs/deplacer/", "champs/supprimer/", "pieces/", "pieces/supprimer/",
               "circuit/"]
    before = canteen.definition
    for user in (agent, other_agent):
        client.force_login(user)
        assert client.get(builder).status_code == 403
        for action in actions:
            response = client.post(builder + action, {
                "page": "0", "page_index": "0", "page-title": "Piratée", "type": "text",
                "label": "Piraté", "key": "caf_number", "original_key": "caf_number",
                "direction": "up", "piece-label": "Pièce", "piece-type": "other"})
            assert response.status_code == 403, action
    canteen.refresh_from_db()
    assert canteen.definition == before


def test_the_workflow_roles_jumps_and_annotations_are_set_in_the_builder(
        client, procedure_admin, canteen):
    client.force_login(procedure_admin)
    builder = reverse("backoffice:procedure_builder", args=[canteen.pk])
    data = {"circuit-expire_documents_after_days": "10",
            "circuit-on_submit_field": "allocataire", "circuit-on_submit_op": "eq",
            "circuit-on_submit_value": "oui",
            "circuit-annotations": "Avis de la commission\nMontant proposé",
            "circuit-states": "Passage en commission"}
    for code in ("review", "request_documents", "resume", "reject", "close"):
        data[f"circuit-roles_{code}"] = ["agent", "manager", "admin"]
    response = client.post(builder + "circuit/", data)
    assert response.status_code == 400 and "Cochez au moins un rôle" in response.text
    data["circuit-roles_accept"] = ["manager"]
    client.post(builder + "circuit/", data)
    canteen.refresh_from_db()
    workflow = canteen.definition["workflow"]
    assert workflow["accept"] == ["manager"] and workflow["expire_documents_after_days"] == 10
    assert workflow["on_submit"]["condition"]["field"] == "allocataire"
    assert [a["key"] for a in canteen.definition["annotations"]] == [
        "avis_de_la_commission", "montant_propose"]
    assert canteen.definition["workflow"]["states"] == [
        {"key": "passage_en_commiss", "label": "Passage en commission",
         "roles": ["agent", "manager", "admin"]}]
    assert "Montant proposé" in client.get(builder).text


def test_a_field_is_edited_in_place(client, procedure_admin, canteen):
    client.force_login(procedure_admin)
    builder = reverse("backoffice:procedure_builder", args=[canteen.pk])
    response = client.get(builder, {"champ": "caf_number"})
    assert "Modifier le champ" in response.text and 'value="[0-9]{7}"' in response.text
    client.post(builder + "champs/modifier/", {"original_key": "caf_number", "page": "0",
                          "type": "text", "label": "Numéro CAF", "key": "caf_number",
                          "purpose": "Tarif", "required": "on", "condition_field": "allocataire",
                          "condition_op": "eq", "condition_value": "oui"})
    canteen.refresh_from_db()
    fields = canteen.definition["pages"][0]["fields"]
    assert [f["key"] for f in fields][3] == "caf_number"
    assert fields[3]["label"] == "Numéro CAF" and "pattern" not in fields[3]


def test_pages_and_fields_take_conditions_joined_by_and_or(client, procedure_admin, canteen):
    client.force_login(procedure_admin)
    builder = reverse("backoffice:procedure_builder", args=[canteen.pk])
    response = client.post(builder + "pages/", {"page-title": ""})
    assert response.status_code == 400
    client.post(builder + "pages/", {"page-title": "Aides",
                          "page-condition_field": "allocataire", "page-condition_op": "eq",
                          "page-condition_value": "oui", "page-condition_join": "any",
                          "page-condition2_field": "parent_name",
                          "page-condition2_op": "contains", "page-condition2_value": "Dur"})
    canteen.refresh_from_db()
    page = canteen.definition["pages"][-1]
    assert page["condition"] == {"any": [
        {"field": "allocataire", "op": "eq", "value": "oui"},
        {"field": "parent_name", "op": "contains", "value": "Dur"}]}
    response = client.get(builder, {"page": len(canteen.definition["pages"]) - 1})
    assert 'value="Aides"' in response.text and 'value="Dur"' in response.text
    assert "« Êtes-vous allocataire CAF ? » est égal à « oui »" in response.text


def test_a_block_child_cannot_have_its_own_condition(client, procedure_admin, canteen):
    client.force_login(procedure_admin)
    builder = reverse("backoffice:procedure_builder", args=[canteen.pk])
    response = client.post(builder + "champs/", {"page": "1",
                                     "parent": "1:children", "type": "text",
                                     "label": "Classe", "purpose": "x",
                                     "condition_field": "allocataire", "condition_op": "eq",
                                     "condition_value": "oui"})
    assert response.status_code == 400 and "mettez la condition sur le bloc" in response.text
    client.post(builder + "champs/", {"page": "1", "parent": "1:children",
                          "type": "text", "label": "Classe", "purpose": "x"})
    canteen.refresh_from_db()
    children = canteen.definition["pages"][1]["fields"][0]["fields"]
    assert children[-1]["key"] == "classe"


LONG = "Justificatif de domicile de moins de trois mois au nom du demandeur"


def test_two_pieces_or_fields_with_the_same_long_label_get_distinct_keys(
        client, procedure_admin, canteen):
    client.force_login(procedure_admin)
    builder = reverse("backoffice:procedure_builder", args=[canteen.pk])
    for _ in range(3):
        client.post(builder + "pieces/", {"piece-label": LONG, "piece-type": "other",
                                          "piece-required": "on"})
        client.post(builder + "champs/", {"page": "0", "type": "text", "label": LONG,
                                          "purpose": "x"})
    canteen.refresh_from_db()
    keys = [d["key"] for d in canteen.definition["documents"] if d["label"] == LONG]
    base = "justificatif_de_domicile_de_moins_de_tr"[:40]
    assert len(set(keys)) == 3 and all(len(k) <= 40 for k in keys)
    assert keys[1].endswith("_2") and keys[2].endswith("_3") and keys[0].startswith(base[:30])
    fields = [f["key"] for f in canteen.definition["pages"][0]["fields"] if f["label"] == LONG]
    assert len(set(fields)) == 3 and all(len(k) <= 40 for k in fields)


def test_unique_keys_count_up_and_fit():
    from guichet.procedures.definition import unique_key

    taken = {"a" * 40, "a" * 38 + "_2"}
    assert unique_key("a" * 50, taken) == "a" * 38 + "_3"
    assert unique_key("nom", set()) == "nom"


def test_numbers_that_are_not_numbers_never_give_an_error_page(client, procedure_admin,
                                                                canteen):
    client.force_login(procedure_admin)
    builder = reverse("backoffice:procedure_builder", args=[canteen.pk])
    assert client.get(builder, {"page": "abc", "champ": "nothing"}).status_code == 200
    assert client.post(builder + "pages/supprimer/", {"page": "abc"}).status_code == 404
    assert client.post(builder + "pages/modifier/", {"page_index": "x",
                                                    "page-title": "T"}).status_code == 404
    assert client.post(builder + "champs/deplacer/", {"key": "inconnu",
                                                     "direction": "up"}).status_code == 404
    assert client.post(builder + "pieces/supprimer/", {"key": "inconnu"}).status_code == 404
    response = client.post(builder + "champs/", {"page": "abc", "type": "integer",
                                                 "label": "Âge", "purpose": "x",
                                                 "min": "dix", "max_length": "beaucoup"})
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.text
    assert "Saisissez un nombre entier, par exemple 3." in response.text
    response = client.post(builder + "champs/", {"page": "0", "type": "date", "label": "Jour",
                                                 "purpose": "x", "max": "31/02/2025"})
    assert response.status_code == 400 and "format AAAA-MM-JJ" in response.text
    client.post(builder + "champs/", {"page": "0", "type": "integer", "label": "Âge",
                                      "purpose": "x", "min": "3", "max": "12"})
    canteen.refresh_from_db()
    assert canteen.definition["pages"][0]["fields"][-1]["min"] == "3"


def test_fields_move_and_are_deleted_pages_and_pieces_too(client, procedure_admin, canteen):
    from guichet.journal.models import Entry

    client.force_login(procedure_admin)
    builder = reverse("backoffice:procedure_builder", args=[canteen.pk])
    keys = [f["key"] for f in canteen.definition["pages"][0]["fields"]]
    before = Entry.objects.count()
    client.post(builder + "champs/deplacer/", {"key": keys[1], "direction": "up"})
    canteen.refresh_from_db()
    assert [f["key"] for f in canteen.definition["pages"][0]["fields"]][:2] == [keys[1],
                                                                               keys[0]]
    client.post(builder + "champs/supprimer/", {"key": keys[1]})
    pages = len(canteen.definition["pages"])
    client.post(builder + "pages/supprimer/", {"page": str(pages - 1)})
    piece = canteen.definition["documents"][0]["key"]
    client.post(builder + "pieces/supprimer/", {"key": piece})
    canteen.refresh_from_db()
    assert keys[1] not in [f["key"] for f in canteen.definition["pages"][0]["fields"]]
    assert len(canteen.definition["pages"]) == pages - 1
    assert piece not in [d["key"] for d in canteen.definition["documents"]]
    assert Entry.objects.count() == before + 4
    assert client.get(builder).status_code == 200
