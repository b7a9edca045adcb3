"""The portal's front door: what can be done here, a search box, the collectivités."""

from django.shortcuts import render

from ..search import MAX_QUERY, portal_search
from .contact import directory_context


def home(request):
    """The front door, with the « Alertes en cours » banner (of one commune with ?commune=)."""
    from guichet.news.selectors import current_alerts
    from guichet.organisations.models import Organisation

    commune = None
    if slug := request.GET.get("commune", "").strip():
        commune = Organisation.objects.filter(slug=slug[:50]).first()
    return render(request, "portal/home.html", {
        **directory_context(), "current_alerts": current_alerts(commune=commune, limit=6),
        "commune": commune})


def search(request):
    """GET /recherche/?q=… : the catalogue matching the words typed, grouped (see search.py)."""
    query = " ".join(request.GET.get("q", "").split())
    too_long = len(query) > MAX_QUERY
    results = portal_search(query) if query else None
    return render(request, "portal/search.html", {
        "query": query, "results": results, "too_long": too_long, "max_query": MAX_QUERY})
