from django.utils.functional import SimpleLazyObject


def survey_nav(request):
    """Lazy: only pages that show the back-office menu ask (one query each)."""
    from .selectors import managed_units, survey_units

    user = request.user
    return {"can_run_surveys": SimpleLazyObject(lambda: survey_units(user).exists()),
            "is_unit_manager": SimpleLazyObject(lambda: managed_units(user).exists())}
