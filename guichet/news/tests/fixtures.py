import datetime as dt

import pytest
from django.utils import timezone

from conftest import make_agent
from guichet.accounts.models import Membership
from guichet.news.models import Alert, News, Topic


@pytest.fixture
def immediate_tasks(settings):
    """Tasks run when enqueued (the worker's code, without a worker process)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "QUEUES": ["default"]}}


@pytest.fixture
def communicator(unit):
    return make_agent("com@hayange.fr", unit, role=Membership.Role.COMMUNICATION,
                      first_name="Camille", last_name="Com")


@pytest.fixture
def topic(db):
    return Topic.objects.create(name="Voirie", slug="voirie")


@pytest.fixture
def news(commune, topic, communicator):
    item = News.objects.create(organisation=commune, title="Marché de Noël",
                               slug="marche-de-noel", summary="Place de la mairie.",
                               body_html="<p>Venez nombreux.</p>",
                               status=News.Status.PUBLISHED,
                               publish_at=timezone.now() - dt.timedelta(hours=1),
                               created_by=communicator)
    item.topics.add(topic)
    return item


@pytest.fixture
def works(commune):
    now = timezone.now()
    return Alert.objects.create(organisation=commune, kind=Alert.Kind.WORKS,
                                title="Travaux rue Foch", description="Chaussée fermée.",
                                starts_at=now - dt.timedelta(hours=1),
                                ends_at=now + dt.timedelta(days=3), address="rue Foch",
                                lat=49.33, lon=6.05, radius_m=150)
