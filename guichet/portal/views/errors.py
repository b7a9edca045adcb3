"""French error pages that never show a trace."""

import re

from django.core.exceptions import DisallowedHost
from django.shortcuts import render


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    return render(request, "errors/500.html", status=500)


# Never shown back, even to their author: passwords, codes, tokens.
SECRET_FIELD = re.compile(r"pass|code|token|secret|csrf", re.IGNORECASE)


def _own_origin(request, value: str) -> bool:
    try:
        origin = f"{request.scheme}://{request.get_host()}"
    except DisallowedHost:
        return False
    return bool(value) and (value == origin or value.startswith(origin + "/"))


def csrf_failure(request, reason=""):
    """Django's refusal of a form without a valid security token, in French: why, how to go
    back and, for a form of this very site (its Origin says so: another site's forged form is
    never echoed), what was typed, to copy before starting again. Nothing was saved."""
    from django.middleware.csrf import REASON_NO_CSRF_COOKIE

    typed = []
    if _own_origin(request, request.headers.get("Origin", "")):
        for name, values in request.POST.lists():
            if SECRET_FIELD.search(name):
                continue
            typed += [value for value in values if value.strip() and len(value) < 20_000]
    referer = request.headers.get("Referer", "")
    return render(request, "errors/csrf.html", {
        "typed": "\n\n".join(typed),
        "back": referer if _own_origin(request, referer) else "",
        "no_cookie": reason == REASON_NO_CSRF_COOKIE,
    }, status=403)
