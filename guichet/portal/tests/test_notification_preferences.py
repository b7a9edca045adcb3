from django.urls import reverse

from guichet.cases.services import case_reply
from guichet.contact.services import contact_submit
from guichet.notifications.models import Notification


def test_legal_notices_are_shown_locked(client, resident):
    client.force_login(resident)
    html = client.get(reverse("portal:notification_preferences")).content.decode()
    assert 'name="legal__email" id="legal__email" checked disabled' in html
    assert "Toujours envoyé" in html


def test_turning_replies_off_by_email_keeps_the_receipt(client, resident, agent, unit):
    client.force_login(resident)
    client.post(reverse("portal:notification_preferences"),
                {"reply__inapp": "on", "status__email": "on"})
    case = contact_submit(unit=unit, subject="Poubelles", message="Non ramassées.",
                          requester=resident)
    case_reply(case=case, agent=agent, body="Le camion repasse demain.")
    statuses = dict(case.notifications.values_list("template", "status"))
    assert statuses == {"registration_receipt": Notification.Status.PENDING,
                        "agent_message": Notification.Status.SKIPPED}
    assert resident.notification_items.filter(category="reply").exists()


def test_it_checks_ownership(client, resident, other_resident):
    assert client.get(reverse("portal:notification_preferences")).status_code == 302
    client.force_login(resident)
    client.post(reverse("portal:notification_preferences"), {})
    assert not other_resident.notification_preferences.exists()
