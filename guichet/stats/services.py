"""Keeping the statistics up to date, exporting the inbox, sending the monthly reports."""

from __future__ import annotations

import base64
import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from guichet.journal.models import Entry
from guichet.journal.services import journal_record

from . import refresh
from .models import InboxExport, MonthlyReport, RefreshState

EXPORT_DAYS = 7
# Cases can be changed while a refresh reads them: the next run looks back this far again.
REFRESH_OVERLAP = dt.timedelta(minutes=5)


class StatsError(Exception):
    """A request refused; its message is French and shown as is."""


def stats_refresh(*, full: bool = False, progress=None) -> int:
    """Rewrite the daily aggregates of the days whose cases changed since the last run (every
    day the first time, or with `full`), and drop those of days without cases any more.
    Returns the number of days rewritten. Safe to run in several workers: the state row is
    locked for the duration."""
    started = timezone.now()
    with transaction.atomic():
        state, _ = RefreshState.objects.get_or_create(name="daily")
        state = RefreshState.objects.select_for_update().get(pk=state.pk)
        since = None if full or state.watermark is None else state.watermark - REFRESH_OVERLAP
        days = refresh.changed_days(since) | refresh.stale_days()
        done = refresh.days_rewrite(days, progress=progress)
        state.watermark, state.days_refreshed = started, done
        state.save(update_fields=["watermark", "days_refreshed"])
    return done


def stats_refresh_soon() -> None:
    """Queue a refresh for the worker once the current transaction commits."""
    from .tasks import refresh_stats

    transaction.on_commit(lambda: refresh_stats.enqueue())


# Inbox exports --------------------------------------------------------------------------------

def inbox_export_request(*, filters: dict, tab: str, fmt: str, description: str,
                         acting_user) -> InboxExport:
    """Queue an export of the inbox list the agent sees, with its filters; the worker writes
    it and only its requester may download it, until it expires."""
    from guichet.cases.selectors import is_agent

    from .tasks import run_inbox_export

    if fmt not in InboxExport.Format.values:
        raise StatsError("Choisissez un format d'export : CSV, XLSX ou ODS.")
    if not is_agent(acting_user):
        raise StatsError("Vous n'êtes pas habilité à exporter ces demandes.")
    now = timezone.now()
    with transaction.atomic():
        export = InboxExport.objects.create(
            requested_by=acting_user, filters={**filters, "tab": tab}, fmt=fmt,
            description=description[:300], created_at=now,
            expires_at=now + dt.timedelta(days=EXPORT_DAYS))
        journal_record(actor=acting_user, action=Entry.Action.CASE_VIEWED,
                       inbox_export=export.pk, fmt=fmt, filters=export.filters)
        transaction.on_commit(lambda: run_inbox_export.enqueue(export.pk))
    return export


EXPORT_HEADER = ["Référence", "Reçue le", "Type", "Canal", "Collectivité", "Service", "Objet",
                 "Statut", "Attribuée à", "Première réponse attendue le", "Première réponse le",
                 "Traitement attendu le", "Résolue le", "Usager", "Courriel de l'usager"]


def _when(value) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


def inbox_export_rows(user, filters: dict):
    """The export's rows, read in chunks of 2,000 with a server-side cursor on PostgreSQL:
    the whole list never sits in memory."""
    from guichet.cases import kinds
    from guichet.cases.models import Channel, Status
    from guichet.cases.selectors import cases_filtered, inbox_tab_filters

    tabs = inbox_tab_filters(user)
    cases = cases_filtered(user, filters).filter(tabs.get(filters.get("tab"), tabs["open"]))
    cases = cases.order_by("-created_at", "-pk")
    channels, statuses = dict(Channel.choices), dict(Status.choices)
    yield EXPORT_HEADER
    columns = ("reference", "created_at", "kind", "channel", "organisation__name",
               "unit__name", "subject", "status", "assignee__first_name",
               "assignee__last_name", "first_response_due_at", "first_responded_at",
               "resolution_due_at", "resolved_at", "requester_name", "requester_email")
    for row in cases.values_list(*columns).iterator(chunk_size=2000):
        (reference, created, kind, channel, org, unit, subject, status, first, last,
         first_due, first_at, due, resolved, name, email) = row
        yield [reference, _when(created), kinds.get(kind).label, channels.get(channel, channel),
               org, unit, subject, statuses.get(status, status), f"{first or ''} {last or ''}"
               .strip(), _when(first_due), _when(first_at), _when(due), _when(resolved), name,
               email]


def inbox_export_run(*, export_id: int) -> InboxExport:
    """Write the export to a temporary file row by row, then store it (called by the worker).
    The requester's rights are applied as they are now: an agent who left a unit no longer
    exports its cases."""
    from guichet.lib.spreadsheets import spreadsheet_save

    export = InboxExport.objects.select_related("requested_by").get(pk=export_id)
    try:
        rows = spreadsheet_save(
            inbox_export_rows(export.requested_by, export.filters), fmt=export.fmt,
            sheet="Demandes", field=export.file,
            name=f"demandes-{export.pk}-{export.key[:8]}.{export.fmt}")
    except Exception:
        InboxExport.objects.filter(pk=export.pk).update(status=InboxExport.Status.FAILED,
                                                        finished_at=timezone.now())
        raise
    export.status, export.rows = InboxExport.Status.DONE, rows
    export.finished_at = timezone.now()
    export.save(update_fields=["file", "status", "rows", "finished_at"])
    return export


def inbox_exports_expire(*, now: dt.datetime | None = None) -> int:
    """Delete the files of expired exports (the row stays, marked expired)."""
    now = now or timezone.now()
    count = 0
    for export in InboxExport.objects.filter(expires_at__lte=now).exclude(
            status=InboxExport.Status.EXPIRED):
        if export.file:
            export.file.delete(save=False)
        export.status = InboxExport.Status.EXPIRED
        export.save(update_fields=["file", "status"])
        count += 1
    return count




# Monthly reports ------------------------------------------------------------------------------

def monthly_report_pdf(*, unit, period) -> bytes:
    from guichet.lib.pdf import render_pdf

    from .selectors import unit_report

    context = unit_report(unit=unit, period=period)
    return render_pdf("pdf/stats_monthly.html", context,
                      title=f"Rapport mensuel — {unit.name} — {period.label}",
                      author=unit.organisation.name)


def monthly_reports_send(*, period, now: dt.datetime | None = None) -> int:
    """Send each unit's report for `period` (a month) to its managers, once: the PDF is
    attached to an email written to the outbox. Returns the number of units reported."""
    from guichet.accounts.models import Membership
    from guichet.notifications.services import notification_queue
    from guichet.organisations.models import Unit

    managers: dict[int, list] = {}
    for membership in Membership.objects.filter(role=Membership.Role.MANAGER,
                                                user__is_active=True).select_related("user"):
        managers.setdefault(membership.unit_id, []).append(membership.user)
    done = MonthlyReport.objects.filter(month=period.start).values_list("unit_id", flat=True)
    sent = 0
    for unit in Unit.objects.filter(pk__in=managers).exclude(pk__in=list(done)).select_related(
            "organisation"):
        pdf = monthly_report_pdf(unit=unit, period=period)
        with transaction.atomic():
            for user in managers[unit.pk]:
                notification_queue(
                    template="stats_monthly_report", recipient=user.email, mandatory=True,
                    context={"manager": user, "unit": unit, "period": period,
                             "site_url": settings.SITE_URL},
                    attachments=[{"filename": f"rapport-{unit.slug}-{period.code}.pdf",
                                  "content": base64.b64encode(pdf).decode(),
                                  "mimetype": "application/pdf", "encoding": "base64"}])
            MonthlyReport.objects.create(unit=unit, month=period.start,
                                         recipients=len(managers[unit.pk]),
                                         sent_at=now or timezone.now())
        sent += 1
    return sent
