"""Email sent to a unit's generic address becomes a Case of that unit, or a new message of the
case it answers; auto-replies, bounces and Guichet's own mail are recognised and dropped.
Messages arrive posted by the mail server (an authenticated endpoint) or fetched over IMAP."""

from __future__ import annotations

import email
import email.policy
import email.utils
import html
import logging
import re
from dataclasses import dataclass

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from guichet.accounts.models import User
from guichet.cases.models import Case, Channel
from guichet.cases.services import CaseError, case_create, case_resident_reply
from guichet.contact.models import ContactRequest
from guichet.lib.files import check_upload
from guichet.notifications.models import Notification
from guichet.organisations.models import Unit

from .models import InboundEmail

logger = logging.getLogger(__name__)
REFERENCE = re.compile(r"\b([A-Z]{2,5}-\d{4}-\d{6})\b")
OUR_MESSAGE_ID = re.compile(r"<([0-9a-f-]{36})@guichet>")
MAX_BODY = 10000


@dataclass
class Received:
    outcome: str
    case: Case | None = None
    refused_files: list[str] | None = None


def _is_automatic(message) -> bool:
    auto = (message.get("Auto-Submitted") or "no").strip().lower()
    precedence = (message.get("Precedence") or "").strip().lower()
    sender = (message.get("From") or "").lower()
    return (auto != "no" or precedence in ("bulk", "junk", "list", "auto_reply")
            or any(message.get(h) for h in ("X-Autoreply", "X-Autorespond",
                                            "X-Auto-Response-Suppress", "List-Id"))
            or message.get_content_type() == "multipart/report"
            or (message.get("Return-Path") or "").strip() == "<>"
            or "mailer-daemon" in sender or "postmaster@" in sender)


def _body(message) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, UnicodeDecodeError):
        content = part.get_payload(decode=True).decode("utf-8", "replace")
    if part.get_content_type() == "text/html":
        # Nothing of the HTML is kept: no script, no remote image, no link to follow.
        content = nh3.clean(re.sub(r"(?i)<br\s*/?>|</p>|</div>", "\n", content), tags=set())
        # nh3 returns HTML-escaped text; agents read plain text, so decode the entities
        # (after cleaning: a decoded « &lt;script&gt; » is text, never markup).
        content = html.unescape(content)
    content = re.sub(r"\n{3,}", "\n\n", content.replace("\r\n", "\n")).strip()
    return content[:MAX_BODY]


def _attachments(message) -> tuple[list, list[str]]:
    kept, refused = [], []
    for part in message.iter_attachments():
        name = part.get_filename() or "piece-jointe"
        data = part.get_payload(decode=True) or b""
        upload = SimpleUploadedFile(name, data)
        try:
            kept.append(check_upload(upload))
        except ValidationError as error:
            refused.append(f"{name} : {' '.join(error.messages)}")
    return kept[:settings.UPLOAD_MAX_FILES], refused


def _unit_for(addresses: list[str]) -> Unit | None:
    wanted = {a.lower() for a in addresses if a}
    for unit in Unit.objects.filter(is_active=True).exclude(email="").select_related(
            "organisation"):
        if unit.email.lower() in wanted:
            return unit
    return None


def _thread(message, sender: str) -> Case | None:
    """The case this message answers: our notification's Message-ID in the reply headers, or
    the reference in the subject — and only if it comes from that case's requester."""
    replies = " ".join(message.get_all("In-Reply-To", []) + message.get_all("References", []))
    case = None
    for uuid in OUR_MESSAGE_ID.findall(replies):
        notification = Notification.objects.filter(uuid=uuid).select_related("case").first()
        if notification and notification.case:
            case = notification.case
            break
    if case is None:
        match = REFERENCE.search(message.get("Subject") or "")
        if match:
            case = Case.objects.filter(reference=match.group(1)).first()
    if case is not None and case.requester_email.lower() == sender.lower():
        return case
    return None


def inbound_receive(raw: bytes, *, envelope_to: list[str] | None = None) -> Received:
    """Handle one raw message (RFC 5322), once even if it arrives twice."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    message_id = (message.get("Message-ID") or "").strip()[:250] or (
        f"<sans-identifiant-{hash(raw)}@guichet-entree>")
    name, sender = email.utils.parseaddr(message.get("From") or "")
    recipients = [a for _, a in email.utils.getaddresses(
        message.get_all("To", []) + message.get_all("Cc", []) +
        message.get_all("Delivered-To", []) + message.get_all("X-Original-To", []))]
    recipients += envelope_to or []
    subject = " ".join((message.get("Subject") or "").split())[:250]
    log = {"message_id": message_id, "sender": sender[:254], "subject": subject,
           "recipients": ", ".join(recipients)[:2000], "size": len(raw)}
    if InboundEmail.objects.filter(message_id=message_id).exists():
        return Received(InboundEmail.Outcome.DUPLICATE)
    if len(raw) > settings.INBOUND_MAX_BYTES:
        outcome = InboundEmail.Outcome.TOO_BIG
    elif sender.lower() == email.utils.parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower() or (
            OUR_MESSAGE_ID.fullmatch(message_id)):
        outcome = InboundEmail.Outcome.LOOP
    elif _is_automatic(message):
        outcome = InboundEmail.Outcome.AUTO
    else:
        outcome = None
    if outcome:
        _log(log, outcome)
        return Received(outcome)
    unit = _unit_for(recipients)
    if unit is None:
        _log(log, InboundEmail.Outcome.NO_UNIT)
        return Received(InboundEmail.Outcome.NO_UNIT)
    body = _body(message) or "(message sans texte)"
    files, refused = _attachments(message)
    if refused:
        body += "\n\nPièces jointes non acceptées :\n" + "\n".join(refused)
    try:
        with transaction.atomic():
            case = _thread(message, sender)
            if case is not None and case.status != "closed":
                case_resident_reply(case=case, body=body, files=files, user=case.requester)
                outcome = InboundEmail.Outcome.THREADED
            else:
                requester = User.objects.filter(email__iexact=sender, is_active=True).first()
                case = case_create(
                    kind="contact", channel=Channel.EMAIL, organisation=unit.organisation,
                    unit=unit, subject=subject or "(sans objet)", message=body,
                    requester=requester, requester_name=name or sender,
                    requester_email=sender, files=files)
                ContactRequest.objects.create(case=case)
                outcome = InboundEmail.Outcome.CREATED
            _log(log, outcome, case)
    except (CaseError, IntegrityError) as exc:  # a closed case, or the same message racing
        logger.warning("inbound email not filed: %s", type(exc).__name__)
        return Received(InboundEmail.Outcome.DUPLICATE)
    return Received(outcome, case, refused)


def _log(fields: dict, outcome: str, case: Case | None = None) -> None:
    InboundEmail.objects.create(outcome=outcome, case=case, **fields)


def fetch_imap() -> int:
    """Fetch the unseen messages of the configured IMAP mailbox, file them, mark them seen."""
    import imaplib

    host, user = settings.INBOUND_IMAP_HOST, settings.INBOUND_IMAP_USER
    if not host or not user:
        return 0
    client_class = imaplib.IMAP4_SSL if settings.INBOUND_IMAP_SSL else imaplib.IMAP4
    handled = 0
    with client_class(host, settings.INBOUND_IMAP_PORT) as client:
        client.login(user, settings.INBOUND_IMAP_PASSWORD)
        client.select(settings.INBOUND_IMAP_FOLDER)
        _, data = client.search(None, "UNSEEN")
        for number in data[0].split()[:500]:
            _, parts = client.fetch(number, "(RFC822)")
            raw = next((p[1] for p in parts if isinstance(p, tuple)), b"")
            inbound_receive(raw)
            client.store(number, "+FLAGS", "\\Seen")
            handled += 1
    return handled
