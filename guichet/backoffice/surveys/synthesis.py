"""The published synthesis of a questionnaire: which questions' results residents see, an
introduction and « Ce que nous avons changé »; publishing tells the respondents who left an
address."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render

from guichet.lib.forms import Form
from guichet.surveys import questions as q
from guichet.surveys import services

from . import agent_survey, public_url, survey_agent_required


class SynthesisForm(Form):
    intro = forms.CharField(
        label="Synthèse des avis", required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Ce que les réponses disent, en quelques paragraphes.")
    changes = forms.CharField(
        label="Ce que nous avons changé", required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Les décisions prises après le questionnaire, ou ce qui est prévu.")
    shown_questions = forms.MultipleChoiceField(
        label="Questions dont les résultats sont publiés", required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Les réponses libres ne sont jamais publiées telles quelles : seul leur "
                  "nombre l'est.")

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shown_questions"].choices = [
            (f["key"], f.get("label") or f["key"]) for f in q.all_questions(survey.definition)
            if f.get("type") not in ("title", "explanation")]

    def clean(self):
        data = super().clean()
        if not (data.get("intro") or "").strip() and not (data.get("changes") or "").strip():
            self.add_error("intro", "Écrivez la synthèse ou ce que vous avez changé.")
        return data


@survey_agent_required
def survey_synthesis(request, pk):
    survey = agent_survey(request, pk)
    initial = {"intro": survey.synthesis_intro, "changes": survey.changes,
               "shown_questions": survey.shown_questions}
    form = SynthesisForm(request.POST or None, survey=survey, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            told = services.synthesis_publish(survey=survey, intro=data["intro"],
                                              changes=data["changes"],
                                              shown_questions=data["shown_questions"],
                                              acting_user=request.user)
        except services.SurveyError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, "La synthèse est publiée." + (
                f" {told} répondant{'s' if told > 1 else ''} "
                f"{'ont laissé leur' if told > 1 else 'a laissé son'} adresse : "
                f"{'ils sont prévenus' if told > 1 else 'il est prévenu'}." if told else ""))
            return redirect("backoffice:survey_synthesis", pk=survey.pk)
    return render(request, "backoffice/surveys/synthesis.html", {
        "survey": survey, "form": form,
        "published_url": public_url(survey, "synthese/") if survey.synthesis_published_at
        else ""}, status=400 if form.errors else 200)
