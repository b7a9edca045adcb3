"""Administrators' screens for outgoing webhooks: the endpoints of their collectivité, a new
one (its secret shown once), its events and switch, the delivery log, the replay of one
event. Only administrators of the endpoint's collectivité reach them; every change goes
through a service in notifications that writes the journal."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from guichet.accounts.models import Membership
from guichet.lib.forms import Form
from guichet.notifications.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from guichet.notifications.webhooks import (
    WebhookError,
    webhook_delivery_replay,
    webhook_endpoint_create,
    webhook_endpoint_update,
)
from guichet.organisations.models import Organisation

from .views import admin_required


def administered_organisations(user):
    return Organisation.objects.filter(units__memberships__user=user,
                                       units__memberships__role=Membership.Role.ADMIN
                                       ).distinct().order_by("name")


def _endpoint(request, pk) -> WebhookEndpoint:
    """Another collectivité's endpoint does not exist, as far as this administrator knows."""
    return get_object_or_404(WebhookEndpoint.objects.select_related("organisation"), pk=pk,
                             organisation__in=administered_organisations(request.user))


class EndpointForm(Form):
    organisation = forms.ModelChoiceField(label="Collectivité", queryset=Organisation.objects
                                          .none(), empty_label=None)
    url = forms.URLField(label="Adresse (URL) du logiciel destinataire", max_length=500,
                         assume_scheme="https",
                         help_text="Par exemple https://ged.mairie.fr/webhooks/guichet. "
                                   "Utilisez https : les événements y circulent chiffrés.")
    description = forms.CharField(label="Description", max_length=200, required=False,
                                  help_text="Par exemple : GED du service courrier.")
    events = forms.MultipleChoiceField(label="Événements envoyés", choices=WebhookEvent.choices,
                                       widget=forms.CheckboxSelectMultiple,
                                       error_messages={"required":
                                                       "Choisissez au moins un événement."})

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = list(administered_organisations(user))
        self.fields["organisation"].queryset = administered_organisations(user)
        # The administrator of one collectivité is not asked which one.
        self.only_organisation = organisations[0] if len(organisations) == 1 else None
        if self.only_organisation is not None:
            del self.fields["organisation"]


class EndpointEditForm(EndpointForm):
    is_active = forms.BooleanField(
        label="Actif", required=False,
        help_text="Décochez pour suspendre les envois ; en réactivant, les événements en "
                  "attente partent.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("organisation", None)


@admin_required
def webhook_list(request):
    endpoints = (WebhookEndpoint.objects
                 .filter(organisation__in=administered_organisations(request.user))
                 .select_related("organisation"))
    page = Paginator(endpoints, 25).get_page(request.GET.get("page"))
    return render(request, "backoffice/webhooks/list.html", {"page": page})


@admin_required
def webhook_add(request):
    form = EndpointForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        endpoint = webhook_endpoint_create(
            organisation=data.get("organisation") or form.only_organisation, url=data["url"],
            description=data["description"], events=data["events"], acting_user=request.user)
        # The secret is shown on this page only; the list and the edit page never show it.
        return render(request, "backoffice/webhooks/created.html", {"endpoint": endpoint})
    return render(request, "backoffice/webhooks/form.html", {"form": form, "endpoint": None})


@admin_required
def webhook_edit(request, pk):
    endpoint = _endpoint(request, pk)
    initial = {"url": endpoint.url, "description": endpoint.description,
               "events": endpoint.events, "is_active": endpoint.is_active}
    form = EndpointEditForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            webhook_endpoint_update(endpoint=endpoint, url=data["url"],
                                    description=data["description"], events=data["events"],
                                    is_active=data["is_active"], acting_user=request.user)
        except WebhookError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Le webhook vers {data['url']} est enregistré.")
            return redirect("backoffice:webhook_list")
    return render(request, "backoffice/webhooks/form.html", {"form": form, "endpoint": endpoint})


@admin_required
def webhook_deliveries(request, pk):
    endpoint = _endpoint(request, pk)
    deliveries = WebhookDelivery.objects.filter(endpoint=endpoint).order_by("-created_at", "-pk")
    status = request.GET.get("etat", "")
    if status in WebhookDelivery.Status.values:
        deliveries = deliveries.filter(status=status)
    else:
        status = ""
    page = Paginator(deliveries.defer("payload"), 50).get_page(request.GET.get("page"))
    return render(request, "backoffice/webhooks/deliveries.html", {
        "endpoint": endpoint, "page": page, "status": status,
        "statuses": WebhookDelivery.Status.choices,
        "querystring": f"etat={status}" if status else ""})


@admin_required
@require_POST
def webhook_delivery_replay_view(request, pk, delivery_pk):
    endpoint = _endpoint(request, pk)
    delivery = get_object_or_404(WebhookDelivery, pk=delivery_pk, endpoint=endpoint)
    try:
        webhook_delivery_replay(delivery=delivery, acting_user=request.user)
    except WebhookError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"L'événement {delivery.event_id} est renvoyé : il part "
                                  "dans un instant.")
    return redirect("backoffice:webhook_deliveries", endpoint.pk)
