"""Phone numbers stored before they were validated (free text) are rewritten in E.164 with
guichet.lib.phones; a value that is not a number is kept as it is and listed on the console,
for an agent to correct by hand."""

from django.db import migrations

PHONE_FIELDS = [
    ("accounts", "ResidentProfile", "phone"),
    ("cases", "Case", "requester_phone"),
    ("organisations", "Organisation", "phone"),
    ("organisations", "Unit", "phone"),
]


def normalise_phones(apps, schema_editor=None, *, out=print):
    """Rewrite every stored phone in E.164; return the (model, pk, value) kept unparseable."""
    from django.core.exceptions import ValidationError

    from guichet.lib.phones import normalise

    kept = []
    for app_label, model_name, field in PHONE_FIELDS:
        model = apps.get_model(app_label, model_name)
        rows = model.objects.exclude(**{field: ""}).values_list("pk", field)
        for pk, value in rows.iterator():
            try:
                e164 = normalise(value)
            except ValidationError:
                kept.append((f"{app_label}.{model_name}", pk, value))
                continue
            if e164 != value:
                model.objects.filter(pk=pk).update(**{field: e164})
    for label, pk, value in kept:
        out(f"Numéro de téléphone non reconnu, laissé tel quel : {label} n° {pk} : {value!r}")
    return kept


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_search_recent"),
        ("accounts", "0003_second_factor_lockout"),
        ("organisations", "0003_organisation_postcodes"),
    ]

    operations = [migrations.RunPython(normalise_phones, migrations.RunPython.noop,
                                       elidable=True)]
