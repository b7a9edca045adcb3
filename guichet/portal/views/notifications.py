"""The resident's notification centre and their preferences per category × channel."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from guichet.notifications.services import (
    notification_centre_mark_all_read,
    notification_centre_mark_read,
    preferences_grid,
    preferences_save,
)

PAGE_SIZE = 20


@login_required
def centre(request):
    """GET /compte/notifications/ : newest first, 20 a page, unread ones marked."""
    items = request.user.notification_items.order_by("-created_at", "-pk")
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/notifications/centre.html", {"page": page})


@login_required
@require_POST
def mark_read(request, pk):
    """POST: one item read, then back to the centre (or to the item's link with ?ouvrir)."""
    from guichet.notifications.models import InAppItem

    notification_centre_mark_read(user=request.user, item_id=pk)
    item = InAppItem.objects.filter(user=request.user, pk=pk).first()
    if item is not None and request.POST.get("open") and item.url.startswith("/"):
        return redirect(item.url)
    return redirect("portal:notifications")


@login_required
@require_POST
def mark_all_read(request):
    count = notification_centre_mark_all_read(user=request.user)
    messages.success(request, f"{count} notification{'s' if count > 1 else ''} marquée"
                              f"{'s' if count > 1 else ''} comme lue{'s' if count > 1 else ''}.")
    return redirect("portal:notifications")


@login_required
def preferences(request):
    """GET/POST /compte/notifications/preferences/ : one checkbox per category × channel;
    the legal notices are shown ticked and disabled (always sent)."""
    if request.method == "POST":
        enabled = {name for name in request.POST if "__" in name}
        preferences_save(user=request.user, enabled=enabled, acting_user=request.user)
        messages.success(request, "Vos préférences sont enregistrées.")
        return redirect("portal:notification_preferences")
    return render(request, "portal/notifications/preferences.html",
                  {"rows": preferences_grid(request.user)})
