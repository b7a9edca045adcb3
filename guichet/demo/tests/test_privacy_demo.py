"""The demo's retention rules and its bordereau waiting for the archivist."""

from guichet.accounts.models import Membership
from guichet.cases import kinds
from guichet.demo.generator import generate
from guichet.demo.privacy import privacy_load
from guichet.demo.territory import territory_load
from guichet.privacy.models import Elimination, RetentionRule


def test_every_kind_has_a_rule_and_one_bordereau_waits(db):
    territory = territory_load()
    generate(cases=400, days=730, seed=730)
    counts = privacy_load(territory)
    for org in territory.organisations.values():
        ruled = set(RetentionRule.objects.filter(organisation=org).values_list("kind",
                                                                              flat=True))
        assert ruled == {k.code for k in kinds.all_kinds()}, org
    elimination = Elimination.objects.get()
    assert elimination.status == Elimination.Status.PROPOSED
    assert elimination.items.count() == counts["proposed"] > 0
    assert Membership.objects.filter(role=Membership.Role.ARCHIVIST,
                                     unit__organisation=elimination.organisation).exists()
    assert privacy_load(territory) == {"rules": 0, "proposed": 0}  # once
