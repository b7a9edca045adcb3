import datetime as dt
from io import StringIO

from django.core.management import call_command

from guichet.lib.business_time import PARIS
from guichet.notifications.models import Notification
from guichet.stats.services import stats_refresh

from .factories import cases_at


def test_each_manager_gets_the_pdf_once(unit, manager, deliver):
    cases_at(unit, 6, when=dt.datetime(2026, 3, 3, 10, tzinfo=PARIS), answered_hours=5)
    stats_refresh()
    out = StringIO()
    call_command("send_stats_reports", "--mois", "2026-03", stdout=out)
    assert "1 rapport envoyé pour mars 2026" in out.getvalue()
    call_command("send_stats_reports", "--mois", "2026-03", stdout=StringIO())
    assert Notification.objects.filter(template="stats_monthly_report").count() == 1
    emails = deliver()
    message = next(m for m in emails if m.to == [manager.email])
    name, content, mimetype = message.attachments[0]
    assert mimetype == "application/pdf" and content.startswith(b"%PDF")
    assert "mars 2026" in message.subject
