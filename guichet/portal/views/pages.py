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
