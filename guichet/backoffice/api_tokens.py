"""Administrators' screens for REST API tokens: the tokens of their collectivité (application,
agent it acts for, rights, last use), a new one (its secret shown once), revocation. Only
administrators of the token's collectivité reach them; the services in accounts write the
journal."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from guichet.accounts.models import ApiToken
from guichet.accounts.services import api_token_create, api_token_revoke
from guichet.lib.forms import Form
from guichet.organisations.models import Organisation

from .views import admin_required
from .webhooks import administered_organisations


class TokenForm(Form):
    name = forms.CharField(label="Application", max_length=100,
                           help_text="Par exemple : GED du service courrier.",
                           error_messages={"required": "Nommez l'application."})
    organisation = forms.ModelChoiceField(label="Collectivité", queryset=Organisation.objects
                                          .none(), empty_label=None)
    acts_for = forms.ModelChoiceField(
        label="Agit pour l'agent", queryset=get_user_model().objects.none(),
        help_text="Le jeton voit et fait ce que cet agent voit et fait, jamais plus : créez "
                  "au besoin un compte d'agent dédié à l'application.",
        error_messages={"required": "Choisissez l'agent pour lequel le jeton agit."})
    scopes = forms.MultipleChoiceField(label="Droits", choices=ApiToken.Scope.choices,
                                       widget=forms.CheckboxSelectMultiple,
                                       error_messages={"required": "Choisissez au moins un droit."})

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = administered_organisations(user)
        self.fields["organisation"].queryset = orgs
        self.fields["acts_for"].queryset = (
            get_user_model().objects.filter(memberships__unit__organisation__in=orgs,
                                            is_active=True)
            .distinct().order_by("last_name", "first_name"))
        self.fields["acts_for"].label_from_instance = lambda u: f"{u.get_full_name()} ({u.email})"

    def clean(self):
        data = super().clean()
        org, agent = data.get("organisation"), data.get("acts_for")
        if org and agent and not agent.memberships.filter(
                unit__organisation__in=org.territory()).exists():
            self.add_error("acts_for", f"Cet agent ne travaille pas pour {org.name}.")
        return data


@admin_required
def api_token_list(request):
    tokens = (ApiToken.objects.filter(organisation__in=administered_organisations(request.user))
              .select_related("organisation", "acts_for"))
    page = Paginator(tokens, 25).get_page(request.GET.get("page"))
    return render(request, "backoffice/api_tokens/list.html", {
        "page": page, "scope_labels": dict(ApiToken.Scope.choices)})


@admin_required
def api_token_add(request):
    form = TokenForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        token, secret = api_token_create(name=data["name"], organisation=data["organisation"],
                                         acts_for=data["acts_for"], scopes=data["scopes"],
                                         acting_user=request.user)
        # The secret is on this page only: the list shows its prefix.
        return render(request, "backoffice/api_tokens/created.html",
                      {"token": token, "secret": secret})
    return render(request, "backoffice/api_tokens/form.html", {"form": form})


@admin_required
@require_POST
def api_token_revoke_view(request, pk):
    token = get_object_or_404(ApiToken, pk=pk,
                              organisation__in=administered_organisations(request.user))
    api_token_revoke(token=token, acting_user=request.user)
    messages.success(request, f"Le jeton de « {token.name} » est révoqué : il ne sert plus.")
    return redirect("backoffice:api_token_list")
