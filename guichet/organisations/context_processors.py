import hashlib

from django.conf import settings
from django.urls import reverse

from guichet.lib.colours import darken_until_readable

from .selectors import territory_organisation


def theme(request):
    """The collectivité whose name, logo and colours dress every page."""
    org = territory_organisation()
    colour = darken_until_readable(org.primary_colour if org else "#1d4e89")
    return {
        "site_name": org.name if org else settings.SITE_NAME,
        "theme_org": org,
        "theme_colour": colour,
        "site_logo_url": logo_url(org),
    }


def logo_url(org) -> str:
    """Where the browser fetches the logo, versioned by the stored file's name."""
    if org is None or not org.logo:
        return ""
    version = hashlib.sha256(org.logo.name.encode()).hexdigest()[:10]
    return f"{reverse('portal:organisation_logo', args=[org.slug])}?v={version}"
