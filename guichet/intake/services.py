"""Requests recorded by agents: a phone call, a counter visit, a letter."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from guichet.accounts.models import ResidentProfile, User
from guichet.cases.models import Case, Channel, Status
from guichet.cases.services import CaseError, case_change_status, case_create, case_reply
from guichet.lib.files import CheckedFile


@transaction.atomic
def intake_record(*, agent, unit, channel: str, subject: str, message: str, name: str,
                  email: str = "", phone: str = "", address: str = "", resident=None,
                  create_account: bool = False, files: Sequence[CheckedFile] = (),
                  answered_now: str = "") -> Case:
    """Record a request received by phone, at the counter or by mail, as the resident's Case in
    the chosen unit. The receipt goes out by email when there is an address (the counter and
    mail have printable ones). `answered_now` logs the answer given on the spot and resolves
    the case at once."""
    if channel not in (Channel.PHONE, Channel.COUNTER, Channel.MAIL):
        raise CaseError("Choisissez le canal : téléphone, accueil ou courrier.")
    if resident is None and create_account:
        if not email:
            raise CaseError("Un compte a besoin d'une adresse électronique.")
        if User.objects.filter(email__iexact=email).exists():
            raise CaseError("Un compte existe déjà avec cette adresse : recherchez-le.")
        first, _, last = name.strip().partition(" ")
        resident = User.objects.create_user(email=email, first_name=first, last_name=last)
        ResidentProfile.objects.create(user=resident, phone=phone, address=address,
                                       preferred_channel=ResidentProfile.Channel.PHONE
                                       if channel == Channel.PHONE else
                                       ResidentProfile.Channel.EMAIL)
    case = case_create(kind="contact", channel=channel, organisation=unit.organisation,
                       unit=unit, subject=subject, message=message, requester=resident,
                       requester_name=name, requester_email=email, requester_phone=phone,
                       files=files, acting_user=agent)
    from guichet.contact.models import ContactRequest

    ContactRequest.objects.create(case=case)
    if answered_now.strip():
        case_reply(case=case, agent=agent, body=answered_now.strip())
        case_change_status(case=case, status=Status.RESOLVED, acting_user=agent,
                           reason="Répondu immédiatement.")
    return case


class _Keep(dict):
    """Unknown {variables} stay as typed instead of failing."""

    def __missing__(self, key):
        return "{" + key + "}"


def template_render(*, template, case, agent) -> str:
    from guichet.lib.business_time import deadline_day
    from guichet.lib.dates import long_date

    due = case.announced_date()
    # The day as the resident reads it everywhere else: « lundi 7 décembre 2026 ».
    values = _Keep(nom=case.requester_name, reference=case.reference, service=case.unit.name,
                   echeance=long_date(deadline_day(due)) if due else "",
                   agent=agent.get_full_name() or agent.email)
    try:
        return template.body.format_map(values)
    except (ValueError, IndexError):  # a stray brace in the text: leave it as written
        return template.body


def templates_for(case):
    from django.db.models import Q

    from .models import AnswerTemplate

    return AnswerTemplate.objects.filter(Q(unit=case.unit) | Q(unit__isnull=True)).order_by(
        "-usage_count", "title")


def template_used(*, template_id) -> None:
    from django.db.models import F

    from .models import AnswerTemplate

    AnswerTemplate.objects.filter(pk=template_id).update(usage_count=F("usage_count") + 1)


@transaction.atomic
def social_record(*, agent, unit, network: str, handle: str, url: str, text: str,
                  posted_at, is_private: bool = False) -> Case:
    """A public comment or private message brought into a Case (channel « réseau social »),
    with the targets of that channel; the answer is written in the back-office and published
    by the communication officer on the network."""
    from .models import SocialPost

    case = case_create(kind="contact", channel=Channel.SOCIAL, organisation=unit.organisation,
                       unit=unit, subject=f"{'Message privé' if is_private else 'Commentaire'}"
                                          f" de {handle}"[:200],
                       message=text, requester_name=handle, acting_user=agent,
                       created_at=None)
    from guichet.contact.models import ContactRequest

    ContactRequest.objects.create(case=case)
    SocialPost.objects.create(case=case, network=network, handle=handle, url=url,
                              is_private=is_private, posted_at=posted_at)
    return case
