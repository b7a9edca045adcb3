"""Bulk sends (news, digests) go in batches over one SMTP session and behind the legal notices
in the queue: a burst of 50,000 digests never delays a resident's receipt."""

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from guichet.cases.services import case_create
from guichet.news.models import Dispatch, Subscription
from guichet.news.services import dispatches_send, news_announce, subscription_create
from guichet.notifications.models import Notification
from guichet.notifications.services import notifications_deliver_due
from guichet.notifications.tasks import BULK_PRIORITY, LEGAL_PRIORITY, notifications_deliver_many

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscribers(commune):
    subs = []
    for i in range(3):
        sub = subscription_create(email=f"abonne{i}@exemple.fr", communes=[commune])
        Subscription.objects.filter(pk=sub.pk).update(confirmed_at=timezone.now())
        subs.append(sub)
    # Their confirmation emails are out of this story.
    Notification.objects.update(status=Notification.Status.SENT)
    DBTaskResult.objects.all().delete()
    return subs


@pytest.fixture
def fanned_out(subscribers, works):
    from guichet.news.models import Alert

    Alert.objects.filter(pk=works.pk).update(status=Alert.Status.PUBLISHED)
    news_announce(kind=Dispatch.ItemKind.ALERT, item_id=works.pk)
    return subscribers


def _tasks(name):
    return DBTaskResult.objects.filter(task_path__endswith=name)


def test_a_batch_is_one_task_queued_behind_the_receipts(fanned_out, commune, unit):
    dispatches_send(subscription_ids=[s.pk for s in fanned_out])
    batch = _tasks(".deliver_batch").get()
    assert batch.priority == BULK_PRIORITY
    emails = Notification.objects.filter(template="news_item")
    assert sorted(batch.args_kwargs["args"][0]) == sorted(emails.values_list("pk", flat=True))
    assert not _tasks(".deliver").exists()  # no task per digest

    case = case_create(kind="contact", channel="web", organisation=commune, unit=unit,
                       subject="Trottoir", message="Dalle cassée.",
                       requester_name="Alice", requester_email="alice@exemple.fr")
    receipt = _tasks(".deliver").get()
    assert receipt.priority == LEGAL_PRIORITY
    assert receipt.args_kwargs["args"] == [
        Notification.objects.get(case=case, template="registration_receipt").pk]
    # The worker takes the receipt first although it was queued after the batch.
    assert DBTaskResult.objects.ready().first() == receipt


def test_a_batch_goes_over_one_smtp_session_and_an_outage_loses_nothing(fanned_out, smtp):
    dispatches_send(subscription_ids=[s.pk for s in fanned_out])
    ids = list(Notification.objects.filter(template="news_item").values_list("pk", flat=True))
    assert notifications_deliver_many(ids) == 0  # the SMTP server is not started yet
    assert Notification.objects.filter(pk__in=ids, status=Notification.Status.PENDING
                                       ).count() == 3
    smtp.start()
    Notification.objects.filter(pk__in=ids).update(next_attempt_at=timezone.now())
    assert notifications_deliver_due() == 3
    assert sorted(m["To"] for m in smtp.messages) == [f"abonne{i}@exemple.fr" for i in range(3)]
    assert len(smtp.mailbox.peers) == 1  # one connection for the three
    assert notifications_deliver_due() == 0  # sent once
