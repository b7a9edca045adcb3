import filetype
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control

from guichet.lib.downloads import file_response
from guichet.organisations.models import Organisation

# A logo is drawn by the browser: only formats it shows, recognised by their bytes.
LOGO_TYPES = {"image/png", "image/jpeg", "image/webp", "image/gif"}


def accessibility(request):
    return render(request, "portal/accessibility.html")


def manifest(request):
    """The web app manifest: Guichet installs on a phone's home screen with the
    collectivité's name and colour, and shortcuts to the two things residents do most."""
    from django.http import JsonResponse
    from django.templatetags.static import static
    from django.urls import reverse

    from guichet.organisations.context_processors import theme

    dressing = theme(request)
    data = {
        "name": dressing["site_name"], "short_name": dressing["site_name"][:12],
        "description": "Vos démarches et vos demandes auprès de la collectivité.",
        "lang": "fr", "dir": "ltr", "start_url": "/", "scope": "/", "display": "standalone",
        "background_color": "#ffffff", "theme_color": dressing["theme_colour"],
        "icons": [{"src": static(f"icons/icon-{size}.png"), "sizes": f"{size}x{size}",
                   "type": "image/png", "purpose": "any maskable"} for size in (192, 512)],
        "shortcuts": [{"name": "Signaler un problème", "url": reverse("portal:report_start")},
                      {"name": "Mes demandes", "url": reverse("portal:my_cases")}],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


def service_worker(request):
    """/sw.js, from a view rather than the static files: a worker's scope is the folder it is
    served from (here the whole site), and the static files carry the download sandbox policy,
    under which a worker has no cache and no network."""
    from django.http import HttpResponse
    from django.template.loader import render_to_string

    response = HttpResponse(render_to_string("portal/sw.js"),
                            content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"  # a new version is picked up at the next visit
    return response


def offline(request):
    """What the service worker shows when the network is gone (cached at installation)."""
    return render(request, "portal/offline.html")


def social_charter(request):
    """Our commitments on social networks, from the settings that drive the deadlines."""
    from django.conf import settings

    return render(request, "portal/social_charter.html", {
        "first_hours": settings.SOCIAL_FIRST_RESPONSE_HOURS,
        "resolution_hours": settings.SOCIAL_RESOLUTION_HOURS})


def privacy(request):
    """How data is used, with a link to each collectivité's register of processing."""
    organisations = Organisation.objects.filter(is_active=True).order_by("kind", "name")
    return render(request, "portal/privacy.html", {"organisations": organisations})


@cache_control(public=True, max_age=7 * 24 * 3600)
def organisation_logo(request, org_slug):
    """A collectivité's logo, uploaded in the administration. Uploaded files are never served
    from MEDIA_URL (attachments need permission checks), so the one public file, the logo,
    has this view; its address carries a version (see the theme context processor), so that
    a new logo is seen at once despite the week of caching."""
    org = get_object_or_404(Organisation, slug=org_slug, is_active=True)
    if not org.logo:
        raise Http404
    try:
        handle = org.logo.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    kind = filetype.guess(handle.read(262))
    handle.seek(0)
    if kind is None or kind.mime not in LOGO_TYPES:
        handle.close()
        raise Http404
    # Not re-encoded: saved if opened directly (an <img> shows it all the same).
    return file_response(handle, filename=f"logo-{org.slug}.{kind.extension}",
                         content_type=kind.mime)


def commitments(request, org_slug):
    """« Nos engagements »: the response delays each service commits to, and what was measured
    over the last twelve months (Services Publics+), from anonymous aggregates."""
    from guichet.organisations.selectors import organisations_for_portal
    from guichet.stats.selectors import MIN_CELL, public_commitments

    org = get_object_or_404(organisations_for_portal(), slug=org_slug)
    return render(request, "portal/commitments.html", {
        "org": org, **public_commitments(org), "min_cell": MIN_CELL,
        "satisfaction_period": "douze derniers mois"})
