"""Events become deliveries in the transaction of what caused them, one per subscribed active
endpoint of the collectivité, with no more personal data than needed."""

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from guichet.cases.models import Status
from guichet.cases.services import case_change_status, case_close, case_transfer
from guichet.contact.services import contact_submit
from guichet.notifications.models import WebhookDelivery, WebhookEndpoint
from guichet.notifications.webhooks import webhook_event_queue
from guichet.reports.services import report_submit
from guichet.reports.tests.fixtures import INSIDE

from .webhook_receiver import make_endpoint

ALL_CASE_EVENTS = ("case.created", "case.updated", "case.closed", "report.created",
                   "report.resolved")


def submit(unit, **fields):
    return contact_submit(unit=unit, subject="Poubelles non ramassées",
                          message="Rue Foch, depuis mardi.", name="Marc Blanc",
                          email="marc@exemple.fr", **fields)


def test_a_new_case_is_queued_for_the_subscribed_endpoint_only(unit, commune, other_commune):
    listening = make_endpoint(commune, "https://ged.hayange.fr/hook")
    make_endpoint(commune, "https://sig.hayange.fr/hook", events=["report.created"])
    make_endpoint(other_commune, "https://ailleurs.fr/hook")
    off = make_endpoint(commune, "https://off.hayange.fr/hook")
    WebhookEndpoint.objects.filter(pk=off.pk).update(is_active=False)

    case = submit(unit)

    delivery = WebhookDelivery.objects.get()
    assert delivery.endpoint == listening
    assert delivery.event_type == "case.created"
    assert delivery.event_id.startswith("msg_") and len(delivery.event_id) == 36
    assert delivery.status == WebhookDelivery.Status.PENDING and delivery.attempts == 0
    assert (delivery.retry_until - delivery.created_at).days == 3
    payload = delivery.payload
    assert payload["type"] == "case.created"
    data = payload["data"]
    assert data["reference"] == case.reference
    assert data["kind"] == "contact" and data["status"] == "new"
    assert data["unit"] == {"id": unit.pk, "name": "Voirie"}
    assert data["url"].endswith(f"/api/v1/cases/{case.reference}")
    # Nothing that identifies the resident or repeats what they wrote.
    text = str(payload)
    for personal in ("Marc", "Blanc", "marc@exemple.fr", "Rue Foch", "depuis mardi"):
        assert personal not in text


def test_an_event_rolled_back_is_never_queued(unit, commune):
    make_endpoint(commune, "https://ged.hayange.fr/hook")
    with pytest.raises(RuntimeError), transaction.atomic():
        submit(unit)
        assert WebhookDelivery.objects.count() == 1
        raise RuntimeError("the request fails after the case was written")
    assert WebhookDelivery.objects.count() == 0


def test_the_delivery_is_handed_to_the_worker_once_the_transaction_commits(
        unit, commune, django_capture_on_commit_callbacks):
    make_endpoint(commune, "https://ged.hayange.fr/hook")
    before = DBTaskResult.objects.count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        submit(unit)
        assert DBTaskResult.objects.count() == before + 1  # the receipt email only
    assert len(callbacks) == 1
    task = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert task.task_path == "guichet.notifications.webhook_tasks.send_webhook"
    assert task.args_kwargs["args"] == [WebhookDelivery.objects.get().pk]


def test_one_event_has_one_id_for_every_endpoint(unit, commune):
    make_endpoint(commune, "https://ged.hayange.fr/hook")
    make_endpoint(commune, "https://crm.hayange.fr/hook")
    submit(unit)
    ids = set(WebhookDelivery.objects.values_list("event_id", flat=True))
    assert WebhookDelivery.objects.count() == 2 and len(ids) == 1


def test_status_changes_transfer_and_closure_are_told(unit, other_unit, commune, agent,
                                                     manager, other_agent):
    make_endpoint(commune, "https://ged.hayange.fr/hook", events=ALL_CASE_EVENTS)
    case = submit(unit)
    case_change_status(case=case, status=Status.IN_PROGRESS, acting_user=agent)
    case_transfer(case=case, unit=other_unit, reason="Mauvais service", acting_user=manager)
    case.refresh_from_db()
    case_close(case=case, acting_user=other_agent, message="C'est fait.")
    events = list(WebhookDelivery.objects.order_by("pk").values_list("event_type", "payload"))
    assert [e for e, _ in events] == ["case.created", "case.updated", "case.updated",
                                      "case.closed"]
    assert events[1][1]["data"]["status"] == "in_progress"
    assert events[1][1]["data"]["previous_status"] == "new"
    assert events[2][1]["data"]["unit"]["name"] == "État civil"
    closed = events[3][1]["data"]
    assert closed["status"] == "closed" and closed["closed_at"]
    assert "C'est fait" not in str(closed)


def test_a_report_is_told_as_a_case_and_as_a_report(territory, pothole, unit, agent):
    make_endpoint(territory, "https://sig.hayange.fr/hook", events=ALL_CASE_EVENTS)
    case = report_submit(category=pothole, lat=INSIDE[0], lon=INSIDE[1],
                         description="Trou profond devant chez moi, au 12.",
                         answers={"taille": "grand"}, name="Marc Blanc",
                         email="marc@exemple.fr")
    created = WebhookDelivery.objects.get(event_type="report.created").payload["data"]
    assert created["reference"] == case.reference
    assert created["report"]["category"] == {"code": "nid-de-poule", "name": "Nid-de-poule"}
    assert created["report"]["commune"]["name"] == "Hayange"
    assert (created["report"]["lat"], created["report"]["lon"]) == INSIDE
    assert "Trou profond" not in str(created) and "Marc" not in str(created)
    assert WebhookDelivery.objects.filter(event_type="case.created").count() == 1

    case_change_status(case=case, status=Status.RESOLVED, acting_user=agent)
    assert WebhookDelivery.objects.filter(event_type="report.resolved").count() == 1
    case_close(case=case, acting_user=agent, message="Rebouché.")
    # Closing a resolved report does not announce it resolved a second time.
    assert WebhookDelivery.objects.filter(event_type="report.resolved").count() == 1
    assert WebhookDelivery.objects.filter(event_type="case.closed").count() == 1


def test_an_unknown_event_type_is_a_programming_error(commune):
    with pytest.raises(ValueError):
        webhook_event_queue(organisation=commune, event_type="case.exploded", data={})


def test_a_procedure_file_is_told_when_filed_and_decided(canteen, resident, agent, commune):
    from guichet.procedures.services import submission_decide, submission_take
    from guichet.procedures.tests.fixtures import submitted

    make_endpoint(commune, "https://ged.hayange.fr/hook",
                  events=["submission.filed", "submission.decided"])
    submission = submitted(canteen, resident)
    filed = WebhookDelivery.objects.get(event_type="submission.filed").payload["data"]
    assert filed["reference"] == submission.case.reference
    assert filed["submission"]["procedure"]["title"] == canteen.title
    assert "Durand" not in str(filed) and "Léo" not in str(filed)  # no answers
    submission_take(submission=submission, agent=agent, code="review")
    submission_decide(submission=submission, agent=agent, code="accept")
    decided = WebhookDelivery.objects.get(event_type="submission.decided").payload["data"]
    assert decided["submission"]["decision"] == "accept"
    assert decided["submission"]["implicit"] is False


def test_an_appointment_is_told_when_booked_and_cancelled(passport, commune):
    from guichet.appointments.services import appointment_book, appointment_cancel
    from guichet.appointments.tests.fixtures import at, next_working_day

    make_endpoint(commune, "https://crm.hayange.fr/hook",
                  events=["appointment.booked", "appointment.cancelled"])
    starts = at(next_working_day(), 9, 30)
    case = appointment_book(type_=passport, starts_at=starts, name="Alice Durand",
                            email="alice@exemple.fr")
    booked = WebhookDelivery.objects.get(event_type="appointment.booked").payload["data"]
    assert booked["appointment"]["starts_at"] == starts.isoformat()
    assert booked["appointment"]["type"]["name"] == passport.name
    assert "Alice" not in str(booked)
    appointment_cancel(appointment=case.appointment)
    cancelled = WebhookDelivery.objects.get(event_type="appointment.cancelled").payload["data"]
    assert cancelled["appointment"]["status"] == "cancelled_resident"
