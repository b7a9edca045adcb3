"""Administrators of two collectivités, and an endpoint of the first one, for the webhook
screens."""

import pytest

from conftest import make_agent, make_unit
from guichet.accounts.models import Membership
from guichet.notifications.webhooks import webhook_endpoint_create


@pytest.fixture
def webhook_admin(unit):
    return make_agent("admin@hayange.fr", unit, Membership.Role.ADMIN, first_name="Hélène",
                      last_name="Marchal")


@pytest.fixture
def other_admin(other_commune):
    return make_agent("admin@ailleurs.fr", make_unit(other_commune, "Direction"),
                      Membership.Role.ADMIN, first_name="Omar", last_name="Diallo")


@pytest.fixture
def endpoint(commune, webhook_admin):
    return webhook_endpoint_create(organisation=commune, url="https://ged.hayange.fr/hook",
                                   description="GED du courrier",
                                   events=["case.created", "case.closed"],
                                   acting_user=webhook_admin)


@pytest.fixture
def other_endpoint(other_commune, other_admin):
    return webhook_endpoint_create(organisation=other_commune, url="https://ailleurs.fr/hook",
                                   events=["case.created"], acting_user=other_admin)
