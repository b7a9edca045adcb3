from django.conf import settings

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
    }
