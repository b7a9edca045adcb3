"""The portal's front door: what can be done here, a search box, the collectivités."""

from django.shortcuts import render

from ..search import MAX_QUERY, portal_search
from .contact import directory_context


def home(request):
    return render(request, "portal/home.html", directory_context())


def search(request):
    """GET /recherche/?q=… : the catalogue matching the words typed, grouped (see search.py)."""
    query = " ".join(request.GET.get("q", "").split())
    too_long = len(query) > MAX_QUERY
    results = portal_search(query) if query else None
    return render(request, "portal/search.html", {
        "query": query, "results": results, "too_long": too_long, "max_query": MAX_QUERY})
