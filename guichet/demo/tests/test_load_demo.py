"""`load_demo` gives every screen content, and can be run again without changing anything."""

from io import StringIO

import pytest
from django.core.management import call_command

from guichet.accounts.models import Membership, User
from guichet.cases.models import Case, Channel, Status
from guichet.organisations.models import ElectedOfficial, Organisation, Unit


@pytest.fixture
def loaded(db):
    out = StringIO()
    call_command("load_demo", "--cases", "120", stdout=out)
    return out.getvalue()


def test_the_territory_has_what_the_issue_lists(loaded):
    epci = Organisation.objects.get(kind=Organisation.Kind.EPCI)
    communes = list(epci.member_communes.all())
    assert len(communes) == 3
    assert any(c.insee_code.startswith("57") for c in communes)  # one in Moselle
    assert Unit.objects.count() >= 8
    assert ElectedOfficial.objects.filter(is_contactable=True).count() >= 3
    assert set(Membership.objects.values_list("role", flat=True)) >= set(Membership.Role.values)
    assert Case.objects.count() == 120
    assert set(Case.objects.values_list("status", flat=True)) == set(Status.values)
    assert len(set(Case.objects.values_list("channel", flat=True))) >= len(Channel.values) - 1


def test_it_prints_logins_that_work(loaded, client):
    assert "thomas.keller@montfleury-sur-orne.example" in loaded
    assert "Guichet-demo-2026" in loaded
    user = User.objects.get(email="thomas.keller@montfleury-sur-orne.example")
    assert user.check_password("Guichet-demo-2026")
    client.force_login(user)
    assert client.get("/agents/").status_code == 200


def test_running_it_again_changes_nothing(loaded):
    counts = [m.objects.count() for m in (Organisation, Unit, User, Membership, Case)]
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "déjà là" in out.getvalue()
    assert [m.objects.count() for m in (Organisation, Unit, User, Membership, Case)] == counts
