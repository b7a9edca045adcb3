"""« Êtes-vous satisfait ? » from the link in a closing email: no login, the signed link is the
authority. Following the link with a score records it, then offers the comment."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from guichet.lib.forms import Form
from guichet.surveys.services import (
    SCORES,
    SurveyError,
    satisfaction_from_signed,
    satisfaction_record,
)


class SatisfactionForm(Form):
    score = forms.TypedChoiceField(label="Votre note", coerce=int, widget=forms.RadioSelect,
                                   choices=[(s, f"{s} sur 5 — {label}")
                                            for s, label in SCORES.items()],
                                   error_messages={"required": "Choisissez une note de 1 à 5."})
    comment = forms.CharField(label="Un commentaire (facultatif)", required=False,
                              max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))


def satisfaction(request, signed, score):
    item = satisfaction_from_signed(signed)
    if item is None:
        raise Http404
    if request.method == "POST":
        form = SatisfactionForm(request.POST)
        if form.is_valid():
            satisfaction_record(request=item, score=form.cleaned_data["score"],
                                comment=form.cleaned_data["comment"])
            messages.success(request, "Merci : votre avis est enregistré.")
            return redirect("portal:satisfaction", signed=signed, score=form.cleaned_data["score"])
    else:
        form = None
        if score in SCORES:
            try:
                item = satisfaction_record(request=item, score=score)
            except SurveyError:
                pass
        form = SatisfactionForm(initial={"score": item.score, "comment": item.comment})
    return render(request, "portal/satisfaction.html", {
        "item": item, "case": item.case, "form": form}, status=400 if form.errors else 200)
