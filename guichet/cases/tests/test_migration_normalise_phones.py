"""The data migration that rewrites phones stored as free text in E.164."""

import importlib

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from guichet.accounts.models import ResidentProfile
from guichet.cases.models import Case
from guichet.contact.services import contact_submit

migration = importlib.import_module("guichet.cases.migrations.0008_normalise_phones")
TARGET = ("cases", "0008_normalise_phones")


def test_phones_are_rewritten_and_unparseable_ones_kept_and_listed(unit, resident):
    case, odd = (contact_submit(unit=unit, subject=subject, message="…", name="Marc",
                                email="marc@exemple.fr") for subject in ("X", "Y"))
    # As they were typed before phones were validated.
    Case.objects.filter(pk=case.pk).update(requester_phone="06 12 34 56 78")
    Case.objects.filter(pk=odd.pk).update(requester_phone="le soir après 18 h")
    ResidentProfile.objects.update_or_create(user=resident, defaults={"phone": "0690.12.34.56"})
    unit.phone = "+33 3 82 00 00 00"
    unit.save()
    executor = MigrationExecutor(connection)
    apps = executor.loader.project_state([TARGET]).apps  # the models as the migration sees them
    lines = []
    kept = migration.normalise_phones(apps, out=lines.append)
    case.refresh_from_db(), odd.refresh_from_db(), unit.refresh_from_db()
    assert case.requester_phone == "+33612345678"
    assert ResidentProfile.objects.get(user=resident).phone == "+590690123456"
    assert unit.phone == "+33382000000"
    assert odd.requester_phone == "le soir après 18 h"
    assert kept == [("cases.Case", odd.pk, "le soir après 18 h")]
    assert "le soir après 18 h" in lines[0]

