import datetime as dt

import pytest
from django.utils import timezone

from guichet.bookings.models import Audience, Event, Facility, Tariff


@pytest.fixture
def hall(commune, unit):
    facility = Facility.objects.create(
        organisation=commune, unit=unit, name="Salle des fêtes", slug="salle-des-fetes",
        capacity=120, audiences=[Audience.RESIDENT, Audience.ASSOCIATION, Audience.OUTSIDE],
        booking_unit=Facility.Unit.HALF_DAY, needs_approval=False)
    Tariff.objects.create(facility=facility, audience=Audience.RESIDENT, price_cents=8000)
    Tariff.objects.create(facility=facility, audience=Audience.ASSOCIATION, price_cents=0)
    return facility


@pytest.fixture
def workshop(commune, unit):
    starts = timezone.now().replace(microsecond=0) + dt.timedelta(days=10)
    return Event.objects.create(
        organisation=commune, unit=unit, title="Atelier vélo des vacances", slug="atelier-velo",
        place="Maison des jeunes", starts_at=starts, ends_at=starts + dt.timedelta(hours=2),
        places=3, max_attendees=3, attendee_label="Enfant")
