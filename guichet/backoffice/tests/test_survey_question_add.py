import pytest
from django.urls import reverse

from guichet.surveys import questions as q

EVERY_KIND = [
    {"type": "text", "label": "Votre quartier"},
    {"type": "textarea", "label": "Vos remarques"},
    {"type": "choice", "label": "Fréquence", "choices": "Chaque semaine\nChaque mois"},
    {"type": "multichoice", "label": "Activités", "choices": "Nage\nAquagym\nSauna",
     "min_choices": "1", "max_choices": "2"},
    {"type": "rating", "label": "Propreté", "scale": "10"},
    {"type": "nps", "label": "Recommanderiez-vous la piscine ?"},
    {"type": "matrix", "label": "Équipements", "rows": "Vestiaires\nDouches",
     "choices": "Bien\nMal", "multiple": "on"},
    {"type": "ranking", "label": "Vos priorités", "choices": "Horaires\nPrix\nCalme"},
    {"type": "yesno", "label": "Venez-vous en bus ?"},
    {"type": "date", "label": "Date de votre dernière visite"},
    {"type": "integer", "label": "Combien de fois par mois ?"},
    {"type": "title", "label": "Vos habitudes"},
    {"type": "explanation", "label": "Les réponses sont anonymes."},
]


@pytest.mark.parametrize("question", EVERY_KIND, ids=[k["type"] for k in EVERY_KIND])
def test_every_kind_of_question_is_added(client, agent, draft_survey, question):
    client.force_login(agent)
    response = client.post(reverse("backoffice:survey_question_add", args=[draft_survey.pk]),
                           {"page": "0", **question})
    assert response.status_code == 302, response.content.decode()
    draft_survey.refresh_from_db()
    added = q.all_questions(draft_survey.definition)[-1]
    assert added["type"] == question["type"] and added["label"] == question["label"]
    if question["type"] == "matrix":
        assert added["rows"] == ["Vestiaires", "Douches"] and added["multiple"] is True
    if question["type"] == "multichoice":
        assert (added["min_choices"], added["max_choices"]) == (1, 2)
    if question["type"] == "rating":
        assert added["scale"] == 10
    assert "est ajoutée" in client.get(response["Location"]).content.decode()


def test_a_conditional_question(client, agent, draft_survey):
    client.force_login(agent)
    client.post(reverse("backoffice:survey_question_add", args=[draft_survey.pk]), {
        "page": "0", "type": "text", "label": "Pourquoi cette note ?",
        "condition_field": "votre_note", "condition_op": "lt", "condition_value": "3"})
    draft_survey.refresh_from_db()
    added = q.all_questions(draft_survey.definition)[-1]
    assert added["condition"] == {"field": "votre_note", "op": "lt", "value": "3"}


def test_errors_are_shown_by_the_field_and_typed_input_kept(client, agent, draft_survey):
    client.force_login(agent)
    response = client.post(reverse("backoffice:survey_question_add", args=[draft_survey.pk]), {
        "page": "0", "type": "matrix", "label": "Qualité des équipements", "choices": "",
        "rows": "", "min_choices": "3"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Le formulaire contient 3 erreurs" in html
    assert "Indiquez au moins un choix (un par ligne)." in html
    assert "Indiquez les lignes de la matrice (une par ligne)." in html
    assert "ne s&#x27;applique qu&#x27;à un choix multiple" in html
    assert "Qualité des équipements" in html


def test_too_many_allowed_choices_are_refused(client, agent, draft_survey):
    client.force_login(agent)
    html = client.post(reverse("backoffice:survey_question_add", args=[draft_survey.pk]), {
        "page": "0", "type": "multichoice", "label": "Activités", "choices": "A\nB",
        "max_choices": "3"}).content.decode()
    assert "Le maximum dépasse le nombre de choix proposés." in html


def test_a_condition_on_a_later_question_is_refused(client, agent, draft_survey):
    from guichet.surveys.services import survey_page_add, survey_question_add

    survey_page_add(survey=draft_survey, title="Deux", acting_user=agent)
    draft_survey.refresh_from_db()
    survey_question_add(survey=draft_survey, page=1, acting_user=agent,
                        question={"type": "yesno", "label": "Plus tard"})
    draft_survey.refresh_from_db()
    client.force_login(agent)
    html = client.post(reverse("backoffice:survey_question_add", args=[draft_survey.pk]), {
        "page": "0", "type": "text", "label": "Avant", "condition_field": "plus_tard",
        "condition_op": "eq", "condition_value": "oui"}).content.decode()
    assert "La condition doit porter sur une question placée avant" in html


def test_it_checks_ownership(client, other_agent, resident, draft_survey):
    url = reverse("backoffice:survey_question_add", args=[draft_survey.pk])
    data = {"page": "0", "type": "text", "label": "Intrus"}
    client.force_login(other_agent)
    assert client.post(url, data).status_code == 404
    client.force_login(resident)
    assert client.post(url, data).status_code == 403
    draft_survey.refresh_from_db()
    assert "Intrus" not in str(draft_survey.definition)
