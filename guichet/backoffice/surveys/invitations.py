"""Email invitations to a segment of residents (each with its own token), the reminder, and
the response rate."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from guichet.lib.forms import Form
from guichet.surveys import segments, services
from guichet.surveys.selectors import response_rate

from . import agent_survey, survey_agent_required


class InvitationForm(Form):
    """One list of every segment's options, grouped by segment: choosing the segment and its
    value is one choice, without JavaScript."""

    target = forms.ChoiceField(label="Destinataires", error_messages={
        "required": "Choisissez à qui envoyer le questionnaire.",
        "invalid_choice": "Choisissez une option de la liste."})

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        groups = []
        for segment in segments.all_segments():
            options = [(f"{segment.code}:{value}", label)
                       for value, label in segment.options(organisation)]
            if options:
                groups.append((segment.label, options))
        self.fields["target"].choices = [("", "— Choisissez —"), *groups]
        self.fields["target"].help_text = (
            "Chaque adresse reçoit une invitation personnelle (un seul envoi par adresse, "
            "même si elle est dans plusieurs listes).")

    def segment_and_value(self) -> tuple[str, str]:
        segment, _, value = self.cleaned_data["target"].partition(":")
        return segment, value


def _page(request, survey, form, status=200):
    by_segment = (survey.invitations.order_by().values("segment").annotate(
        invited=Count("id"), answered=Count("id", filter=Q(answered_at__isnull=False)))
        .order_by("segment"))
    return render(request, "backoffice/surveys/invitations.html", {
        "survey": survey, "form": form, "rate": response_rate(survey),
        "by_segment": by_segment}, status=status)


@survey_agent_required
def survey_invitations(request, pk):
    survey = agent_survey(request, pk)
    form = InvitationForm(request.POST or None, organisation=survey.organisation)
    if request.method == "POST" and form.is_valid():
        segment, value = form.segment_and_value()
        try:
            count = services.invitations_send(survey=survey, segment=segment, value=value,
                                              acting_user=request.user)
        except services.SurveyError as error:
            form.add_error("target" if error.field in ("segment", "value") else None,
                           str(error))
        else:
            messages.success(request, f"{count} invitation{'s' if count > 1 else ''} "
                                      f"envoyée{'s' if count > 1 else ''}." if count else
                             "Aucune nouvelle adresse : chacune avait déjà son invitation.")
            return redirect("backoffice:survey_invitations", pk=survey.pk)
    return _page(request, survey, form, status=400 if form.errors else 200)


@survey_agent_required
@require_POST
def survey_invitations_remind(request, pk):
    survey = agent_survey(request, pk)
    try:
        count = services.invitations_remind(survey=survey, acting_user=request.user)
    except services.SurveyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{count} relance{'s' if count > 1 else ''} "
                                  f"envoyée{'s' if count > 1 else ''}." if count else
                         "Personne à relancer : chaque invité a répondu ou a déjà été relancé.")
    return redirect("backoffice:survey_invitations", pk=survey.pk)
