from django.urls import reverse

from guichet.intake.models import AnswerTemplate


def test_an_agent_writes_a_template_and_uses_it_in_a_reply(client, agent, case, deliver):
    client.force_login(agent)
    client.post(reverse("backoffice:template_add"), {
        "unit": agent.memberships.get().unit_id, "title": "Intervention prévue",
        "body": "Bonjour {nom}, votre demande {reference} est prise en charge par {service} ; "
                "réponse d'ici le {echeance}. {agent} {inconnue}"})
    template = AnswerTemplate.objects.get()
    html = client.get(case.get_backoffice_url(), {"modele": template.pk}).content.decode()
    assert f"Bonjour Alice Durand, votre demande {case.reference} est prise en charge par " \
           "Voirie" in html
    assert "Paul Lemoine {inconnue}" in html
    from guichet.lib.business_time import deadline_day
    from guichet.lib.dates import long_date

    day = long_date(deadline_day(case.announced_date()))
    assert f"réponse d&#x27;ici le {day}." in html or f"réponse d'ici le {day}." in html
    client.post(reverse("backoffice:case_reply", args=[case.reference]),
                {"body": "Texte relu et modifié.", "template": template.pk})
    template.refresh_from_db()
    assert template.usage_count == 1
    assert any("Texte relu et modifié." in m.body for m in deliver())


def test_shared_templates_need_an_administrator(client, agent):
    client.force_login(agent)
    html = client.post(reverse("backoffice:template_add"), {
        "unit": "", "title": "Commun", "body": "…"}).content.decode()
    assert "Ce champ est obligatoire" in html
    assert not AnswerTemplate.objects.exists()


def test_it_checks_ownership(client, agent, other_agent, other_unit):
    theirs = AnswerTemplate.objects.create(unit=other_unit, title="État civil", body="…")
    client.force_login(agent)
    assert client.get(reverse("backoffice:template_edit", args=[theirs.pk])).status_code == 404
    assert "État civil" not in client.get(reverse("backoffice:templates")).content.decode()
