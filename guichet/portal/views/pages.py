from django.shortcuts import render


def accessibility(request):
    return render(request, "portal/accessibility.html")


def social_charter(request):
    """Our commitments on social networks, from the settings that drive the deadlines."""
    from django.conf import settings

    return render(request, "portal/social_charter.html", {
        "first_hours": settings.SOCIAL_FIRST_RESPONSE_HOURS,
        "days": settings.SOCIAL_RESOLUTION_HOURS // 8})


def privacy(request):
    return render(request, "portal/privacy.html")
