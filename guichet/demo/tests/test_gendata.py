from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from guichet.cases.models import Case
from guichet.contact.services import contact_submit
from guichet.organisations.models import Unit


def test_generated_cases_have_unique_references_and_the_sequence_moves_on(db):
    call_command("gendata", "--cases", "400", "--batch", "150", stdout=StringIO())
    assert Case.objects.count() == 400
    references = list(Case.objects.values_list("reference", flat=True))
    assert len(set(references)) == 400
    assert Case.objects.filter(events__isnull=True).count() == 0
    unit = Unit.objects.filter(is_contactable=True).first()
    new = contact_submit(unit=unit, subject="Après", message="…", name="X",
                         email="x@exemple.fr")
    assert new.reference not in references


def test_bad_arguments_are_refused(db):
    with pytest.raises(CommandError, match="positifs"):
        call_command("gendata", "--cases", "0", stdout=StringIO())


def test_generated_reports_are_routed_and_inside_their_commune(db):
    from guichet.reports.models import Report

    call_command("gendata", "--reports", "300", "--batch", "120", stdout=StringIO())
    assert Report.objects.count() == 300
    for report in Report.objects.select_related("commune__boundary", "case__unit",
                                                "category")[:50]:
        assert report.commune.boundary.contains(report.lat, report.lon)
        if report.category.competence_topic == "dechets":
            assert report.case.unit.slug == "dechets"
