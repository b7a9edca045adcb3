"""Bringing a social-network comment or message into the back-office."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from guichet.cases.selectors import agent_can_handle
from guichet.intake.models import SocialPost
from guichet.intake.services import social_record
from guichet.lib.forms import Form

from .intake import _units
from .views import agent_required


class SocialForm(Form):
    network = forms.ChoiceField(label="Réseau", choices=SocialPost.Network.choices)
    handle = forms.CharField(label="Auteur (pseudonyme)", max_length=150)
    url = forms.URLField(label="Lien vers la publication", required=False, max_length=500,
                         assume_scheme="https")
    is_private = forms.BooleanField(label="Message privé (pas un commentaire public)",
                                    required=False)
    posted_at = forms.DateTimeField(
        label="Publié le", widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                       format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"])
    text = forms.CharField(label="Texte", max_length=10000,
                           widget=forms.Textarea(attrs={"rows": 5}))
    unit = forms.TypedChoiceField(label="Service chargé de répondre", coerce=int)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "—")] + [
            (u.pk, f"{u.name} ({u.organisation.name})") for u in units]

    def clean_posted_at(self):
        value = self.cleaned_data["posted_at"]
        if value > timezone.now():
            raise forms.ValidationError("Cette date est dans le futur.")
        return value


@agent_required
def social(request):
    units = list(_units(request.user))
    form = SocialForm(request.POST or None, units=units,
                      initial={"posted_at": timezone.localtime().replace(second=0,
                                                                         microsecond=0)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = next(u for u in units if u.pk == data["unit"])
        case = social_record(agent=request.user, unit=unit, network=data["network"],
                             handle=data["handle"], url=data["url"], text=data["text"],
                             posted_at=data["posted_at"], is_private=data["is_private"])
        messages.success(request, f"Demande {case.reference} créée pour {unit.name}.")
        if agent_can_handle(request.user, case):
            return redirect(case.get_backoffice_url())
        return redirect("backoffice:inbox")  # another unit's case: its page would be a 404
    return render(request, "backoffice/social.html", {"form": form})
