from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from guichet.cases.models import Case, Channel
from guichet.cases.services import case_create
from guichet.lib.files import CheckedFile

from .models import ContactRequest


@transaction.atomic
def contact_submit(
    *,
    unit,
    subject: str,
    message: str,
    official=None,
    requester=None,
    name: str = "",
    email: str = "",
    phone: str = "",
    files: Sequence[CheckedFile] = (),
    channel: str = Channel.WEB,
    acting_user=None,
) -> Case:
    """A message to a unit, or to an elected official (handled by the unit that takes their
    mail). It becomes a Case of kind `contact`."""
    if official is not None:
        unit = official.handling_unit
    case = case_create(
        kind="contact", channel=channel, organisation=unit.organisation, unit=unit,
        subject=subject, message=message, requester=requester, requester_name=name,
        requester_email=email, requester_phone=phone, files=files, acting_user=acting_user,
    )
    ContactRequest.objects.create(case=case, official=official)
    return case
