"""Every answer under /open311/ is an Open311 document: an unknown path, a body too large, a
method not allowed or a server error give the spec's error list (JSON, or XML when the path
ends in `.xml`) with the right status, never one of the site's HTML pages."""

from __future__ import annotations

from django.conf import settings

from guichet.lib.ratelimit import retry_after

from . import open311

PREFIX = "/open311/"
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")

DESCRIPTIONS = {
    400: "Requête invalide.",
    403: "Accès refusé.",
    404: "Ressource inconnue sur ce serveur Open311 : voyez /open311/discovery.json.",
    405: "Méthode non permise ici.",
    413: "Requête trop volumineuse.",
    500: "Erreur du serveur : la demande n'a pas été traitée, réessayez plus tard.",
}


class Open311Middleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(PREFIX):
            return self.get_response(request)
        fmt = "xml" if request.path_info.endswith(".xml") else "json"
        if request.method in UNSAFE:
            # Every write attempt from an address counts, whatever becomes of it.
            limit = settings.OPEN311_POSTS_PER_IP_PER_MINUTE
            wait = retry_after(request, group="open311.ip", key="ip", limit=limit,
                               seconds=settings.OPEN311_RATE_WINDOW_SECONDS)
            if wait is not None:
                return open311.errors(
                    fmt, 429, f"Trop de demandes : {limit} écritures par minute au plus depuis "
                              f"une même adresse. Réessayez dans {wait} s.",
                    headers={"Retry-After": str(wait)})
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return open311.errors(fmt, 400, "En-tête Content-Length invalide.")
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return open311.too_big(fmt)
        response = self.get_response(request)
        if response.status_code < 400 or getattr(response, "open311", False):
            return response
        # A page of the site (Django's 404, 405, 400 or 500): the same status, in Open311 form,
        # with the page's other headers (Allow, Vary…).
        status = response.status_code
        if status == 405 and response.has_header("Allow"):
            replaced = open311.not_allowed(fmt, request.method, response["Allow"].split(", "))
        else:
            fallback = DESCRIPTIONS[500] if status >= 500 else DESCRIPTIONS[400]
            replaced = open311.errors(fmt, status, DESCRIPTIONS.get(status, fallback))
        for name, value in response.headers.items():
            if name.lower() not in ("content-type", "content-length") and name not in replaced:
                replaced[name] = value
        return replaced
