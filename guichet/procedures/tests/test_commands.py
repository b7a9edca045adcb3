"""The daily jobs of procedures, as the scheduler runs them."""

import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from guichet.documents.models import Document
from guichet.procedures.models import Submission
from guichet.procedures.services import submission_start, submission_submit


def test_record_implicit_decisions_reports_what_it_did(canteen, resident):
    from .test_services import _filled

    submission = submission_submit(submission=_filled(canteen, resident), user=resident)
    Submission.objects.filter(pk=submission.pk).update(
        implicit_due_on=timezone.localdate() - dt.timedelta(days=1))
    out = StringIO()
    call_command("record_implicit_decisions", stdout=out)
    assert "1 décision(s) implicite(s) enregistrée(s)" in out.getvalue()
    submission.refresh_from_db()
    assert submission.state == Submission.State.ACCEPTED


def test_expire_drafts_deletes_old_drafts_and_reminds_vault_documents(canteen, resident):
    submission = submission_start(procedure=canteen, user=resident)
    Submission.objects.filter(pk=submission.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1))
    Document.objects.create(owner=resident, type="proof_of_address", title="Facture",
                            original_name="f.pdf", content_type="application/pdf", size=3,
                            file="vault/f.pdf",
                            valid_until=timezone.localdate() + dt.timedelta(days=10))
    out = StringIO()
    call_command("expire_drafts", stdout=out)
    assert "1 brouillon(s) supprimé(s), 1 rappel(s)" in out.getvalue()
    assert not Submission.objects.filter(pk=submission.pk).exists()
