from django.utils.functional import SimpleLazyObject


def stats_nav(request):
    """Lazy: only pages that show the back-office menu ask."""
    from .selectors import stats_can_view

    return {"can_see_stats": SimpleLazyObject(lambda: stats_can_view(request.user))}
