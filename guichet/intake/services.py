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
