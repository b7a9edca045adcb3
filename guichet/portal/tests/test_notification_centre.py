from django.urls import reverse

from guichet.cases.services import case_reply
from guichet.contact.services import contact_submit
from guichet.notifications.models import InAppItem
from guichet.notifications.services import notification_centre_add


def test_a_reply_appears_in_the_centre_with_the_badge(client, resident, agent, unit,
                                                      django_assert_max_num_queries):
    case = contact_submit(unit=unit, subject="Poubelles", message="Non ramassées.",
                          requester=resident)
    case_reply(case=case, agent=agent, body="Le camion repasse demain.")
    for i in range(30):  # more than a page: the count of queries does not grow with rows
        notification_centre_add(user=resident, category="status", title=f"Avancement {i}")
    client.force_login(resident)
    with django_assert_max_num_queries(20):
        html = client.get(reverse("portal:notifications")).content.decode()
    assert 'class="badge badge--count">32' in html
    html = client.get(reverse("portal:notifications") + "?page=2").content.decode()
    assert "Réponses des services à mes demandes" in html
    assert "avis officiel" in html  # the registration receipt
    client.post(reverse("portal:notifications_all_read"))
    html = client.get(reverse("portal:notifications")).content.decode()
    assert "Non lue" not in html and "badge--count" not in html


def test_the_hook_for_other_apps(resident):
    item = notification_centre_add(user=resident, category="surveys",
                                   title="Votre avis sur la médiathèque", url="/q/1/",
                                   dedupe_key="survey:1")
    assert item is not None
    assert notification_centre_add(user=resident, category="surveys", title="Encore",
                                   dedupe_key="survey:1") is None


def test_it_checks_ownership(client, resident, other_resident):
    item = notification_centre_add(user=other_resident, category="status", title="Pour Bob")
    client.force_login(resident)
    assert "Pour Bob" not in client.get(reverse("portal:notifications")).content.decode()
    client.post(reverse("portal:notification_read", args=[item.pk]))
    item.refresh_from_db()
    assert item.read_at is None
    assert InAppItem.objects.filter(user=resident).count() == 0
