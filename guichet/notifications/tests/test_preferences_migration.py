"""The single « recevoir par courriel » checkbox becomes preferences: whoever had unticked it
keeps the optional emails off, the others keep the defaults."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("notifications", "0003_delivery_lease"), ("accounts", "0003_second_factor_lockout")]
AFTER = [("notifications", "0004_preferences_inapp"),
         ("accounts", "0004_communication_role_preferences")]


def test_unticked_checkbox_becomes_email_preferences_off():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    User, Profile = old.get_model("accounts", "User"), old.get_model("accounts",
                                                                     "ResidentProfile")
    off = User.objects.create(email="off@exemple.fr", password="!")
    on = User.objects.create(email="on@exemple.fr", password="!")
    Profile.objects.create(user=off, optional_emails=False)
    Profile.objects.create(user=on, optional_emails=True)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Preference = new.get_model("notifications", "Preference")
    assert set(Preference.objects.filter(user_id=off.pk).values_list("category", "channel",
                                                                     "enabled")) == {
        (c, "email", False) for c in ("reply", "status", "reminder", "booking", "documents",
                                      "alerts", "surveys")}
    assert not Preference.objects.filter(user_id=on.pk).exists()
    # Back to the latest state for the other tests.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
