"""The agent's questionnaires: the list, the settings, the builder (pages, questions of every
type with their conditions, order), opening and closing, and the kiosks."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from guichet.lib.forms import Form, ModelForm
from guichet.procedures.conditions import describe
from guichet.surveys import questions as q
from guichet.surveys import services
from guichet.surveys.models import Survey
from guichet.surveys.selectors import survey_units, surveys_for_agent

from ..procedure_builder import ConditionForm, _condition
from . import agent_survey, public_url, survey_agent_required

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%d/%m/%Y"]
PER_PAGE = 20


class SurveyForm(ModelForm):
    class Meta:
        model = Survey
        fields = ["title", "unit", "intro", "audience", "opens_at", "closes_at"]
        widgets = {"intro": forms.Textarea(attrs={"rows": 4}), "audience": forms.RadioSelect,
                   "opens_at": DATETIME, "closes_at": DATETIME}
        help_texts = {"intro": "Affichée en tête du questionnaire : pourquoi vous le posez, "
                               "combien de temps il faut, ce que deviendront les réponses.",
                      "opens_at": "Vide : dès l'ouverture du questionnaire.",
                      "closes_at": "Vide : jusqu'à ce que vous le closiez. Une réponse "
                                   "arrivée plus tard est gardée, marquée tardive."}
        error_messages = {"title": {"required": "Indiquez le titre du questionnaire."},
                          "unit": {"required": "Choisissez le service qui le pose.",
                                   "invalid_choice": "Choisissez un de vos services."},
                          "audience": {"required": "Choisissez qui peut répondre."},
                          "opens_at": {"invalid": "Indiquez une date et une heure valides, "
                                                  "par exemple 01/09/2026 08:00."},
                          "closes_at": {"invalid": "Indiquez une date et une heure valides, "
                                                   "par exemple 30/09/2026 18:00."}}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = survey_units(user)
        self.fields["unit"].label_from_instance = (
            lambda unit: f"{unit.name} ({unit.organisation.name})")
        self.fields["audience"].choices = Survey.Audience.choices
        for name in ("opens_at", "closes_at"):
            self.fields[name].input_formats = DATETIME_FORMATS

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and \
                data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", "La clôture doit suivre l'ouverture.")
        return data


class SingleConditionForm(ConditionForm):
    """One condition on an earlier answer (what the questionnaire services check)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("condition_join", "condition2_field", "condition2_op", "condition2_value"):
            del self.fields[name]


class PageForm(SingleConditionForm):
    condition_label, condition_empty = "Afficher la page seulement si la réponse à", "Toujours"
    title = forms.CharField(label="Titre de la page", max_length=200, error_messages={
        "required": "Indiquez le titre de la page."})


def _lines(value: str) -> list[str]:
    return [line.strip()[:200] for line in (value or "").splitlines() if line.strip()]


class QuestionForm(SingleConditionForm):
    condition_label, condition_empty = "Poser la question seulement si la réponse à", \
        "Toujours la poser"
    page = forms.TypedChoiceField(label="Page", coerce=int, error_messages={
        "required": "Choisissez la page.", "invalid_choice": "Choisissez une page de la liste."})
    type = forms.ChoiceField(label="Type de question", choices=list(q.QUESTION_TYPES.items()),
                             error_messages={"required": "Choisissez le type de question.",
                                             "invalid_choice": "Choisissez un type de la liste."})
    label = forms.CharField(label="Intitulé de la question (ou texte affiché)", max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 2}),
                            error_messages={"required": "Écrivez l'intitulé de la question."})
    required = forms.BooleanField(label="Réponse obligatoire", required=False)
    help = forms.CharField(label="Aide affichée sous l'intitulé", max_length=500,
                           required=False)
    choices = forms.CharField(
        label="Choix proposés (un par ligne)", required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Pour un choix unique ou multiple, un classement (les éléments à classer) et "
                  "une matrice (les colonnes).")
    rows = forms.CharField(label="Lignes de la matrice (une par ligne)", required=False,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="Pour une matrice seulement : les éléments évalués.")
    multiple = forms.BooleanField(label="Matrice : plusieurs réponses par ligne",
                                  required=False)
    scale = forms.TypedChoiceField(label="Échelle de la note", required=False, coerce=int,
                                   choices=[(5, "1 à 5"), (10, "1 à 10")], initial=5,
                                   help_text="Pour une note seulement.")
    min_choices = forms.IntegerField(label="Choix multiple : nombre minimum de réponses",
                                     required=False, min_value=1, max_value=50,
                                     error_messages={"invalid": "Indiquez un nombre entier.",
                                                     "min_value": "Indiquez au moins 1."})
    max_choices = forms.IntegerField(label="Choix multiple : nombre maximum de réponses",
                                     required=False, min_value=1, max_value=50,
                                     error_messages={"invalid": "Indiquez un nombre entier.",
                                                     "min_value": "Indiquez au moins 1."})

    def __init__(self, *args, definition: dict, **kwargs):
        super().__init__(*args, definition=definition, **kwargs)
        self.pages = q.pages(definition)
        self.fields["page"].choices = [
            (i, f"{i + 1}. {p.get('title') or 'Sans titre'}")
            for i, p in enumerate(q.pages(definition))]
        self.fields["condition_field"].error_messages["invalid_choice"] = (
            "Choisissez une question de la liste.")

    def clean(self):
        data = super().clean()
        kind = data.get("type")
        if kind in q.CHOICE_TYPES and not _lines(data.get("choices")):
            self.add_error("choices", "Indiquez au moins un choix (un par ligne).")
        if kind == "matrix" and not _lines(data.get("rows")):
            self.add_error("rows", "Indiquez les lignes de la matrice (une par ligne).")
        low, high = data.get("min_choices"), data.get("max_choices")
        if (low or high) and kind != "multichoice":
            self.add_error("min_choices" if low else "max_choices",
                           "Un minimum ou un maximum de réponses ne s'applique qu'à un choix "
                           "multiple.")
        elif low and high and low > high:
            self.add_error("min_choices", "Le minimum de réponses dépasse le maximum.")
        elif high and kind == "multichoice" and high > len(_lines(data.get("choices"))):
            self.add_error("max_choices", "Le maximum dépasse le nombre de choix proposés.")
        if data.get("condition_field") and data.get("page") is not None:
            earlier = {f["key"] for p in self.pages[:data["page"] + 1]
                       for f in p["fields"]}
            if data["condition_field"] not in earlier:
                self.add_error("condition_field", "La condition doit porter sur une question "
                                                  "placée avant (sur cette page ou une "
                                                  "précédente).")
        return data

    def to_question(self) -> dict:
        data = self.cleaned_data
        kind = data["type"]
        question = {"type": kind, "label": data["label"].strip(), "required": data["required"],
                    "help": data.get("help", "").strip()}
        if kind in q.CHOICE_TYPES:
            question["choices"] = _lines(data["choices"])
        if kind == "matrix":
            question["rows"] = _lines(data["rows"])
            question["multiple"] = data["multiple"]
        if kind == "rating":
            question["scale"] = data.get("scale") or 5
        if kind == "multichoice":
            question["min_choices"] = data.get("min_choices")
            question["max_choices"] = data.get("max_choices")
        if kind in ("title", "explanation"):
            question["required"] = False
        condition = _condition(data)
        if condition:
            question["condition"] = condition
        return {k: v for k, v in question.items() if v not in (None, "", False)}


class KioskForm(Form):
    place = forms.CharField(label="Lieu de la borne", max_length=120,
                            help_text="Par exemple : Médiathèque — hall d'accueil. Les réponses "
                                      "de la borne portent ce lieu.",
                            error_messages={"required": "Indiquez le lieu de la borne."})


def _service_error(form, error: services.SurveyError) -> None:
    """A service's refusal shown by the field it is about (or at the top)."""
    form.add_error(error.field if error.field in form.fields else None, str(error))


@survey_agent_required
def survey_list(request):
    """The questionnaires of the agent's units with their response counts (one query)."""
    surveys = surveys_for_agent(request.user).order_by("-created_at", "-pk")
    paginator = Paginator(surveys, PER_PAGE)
    # Counted without the join to the responses that the annotation needs.
    paginator.count = Survey.objects.filter(unit__in=survey_units(request.user)).count()
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "backoffice/surveys/list.html", {"page": page})


@survey_agent_required
def survey_edit(request, pk=None):
    survey = agent_survey(request, pk) if pk else None
    form = SurveyForm(request.POST or None, instance=survey, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {name: data[name] for name in ("title", "intro", "audience", "opens_at",
                                                "closes_at")}
        if survey is None:
            survey = services.survey_create(unit=data["unit"], acting_user=request.user,
                                            **fields)
            messages.success(request, "Le questionnaire est créé (brouillon) : ajoutez ses "
                                      "questions.")
        else:
            services.survey_update(survey=survey, unit=data["unit"], acting_user=request.user,
                                   **fields)
            messages.success(request, "Les réglages du questionnaire sont enregistrés.")
        return redirect("backoffice:survey_builder", pk=survey.pk)
    return render(request, "backoffice/surveys/edit.html", {"form": form, "survey": survey},
                  status=400 if form.errors else 200)


def _option_text(question: dict) -> str:
    kind = question.get("type")
    parts = []
    if kind == "matrix":
        parts.append("lignes : " + ", ".join(question.get("rows", [])))
        parts.append("colonnes : " + ", ".join(question.get("choices", [])))
        if question.get("multiple"):
            parts.append("plusieurs réponses par ligne")
    elif kind in q.CHOICE_TYPES:
        parts.append("choix : " + ", ".join(question.get("choices", [])))
    if kind == "rating":
        parts.append(f"de 1 à {question.get('scale') or 5}")
    if question.get("min_choices"):
        parts.append(f"au moins {question['min_choices']}")
    if question.get("max_choices"):
        parts.append(f"au plus {question['max_choices']}")
    return " ; ".join(parts)


def _builder_page(request, survey, *, status=200, **bound):
    """The builder with its forms fresh, or the one given bound after an invalid POST."""
    definition = survey.definition or {"pages": []}
    labels = q.definitions.labels(definition)
    forms_ = {"page_form": PageForm(prefix="page", definition=definition),
              "question_form": QuestionForm(definition=definition, initial={
                  "page": max(0, len(q.pages(definition)) - 1), "scale": 5}),
              "kiosk_form": KioskForm(prefix="borne")}
    forms_.update(bound)
    pages = [{"index": i, "title": p.get("title", ""),
              "condition_text": describe(p.get("condition"), labels),
              "questions": [{**f, "type_label": q.QUESTION_TYPES.get(f.get("type"), "?"),
                             "condition_text": describe(f.get("condition"), labels),
                             "options": _option_text(f)} for f in p.get("fields", [])]}
             for i, p in enumerate(q.pages(definition))]
    kiosks = [{"kiosk": k, "url": public_url(k)} for k in survey.kiosks.order_by("place", "pk")]
    return render(request, "backoffice/surveys/builder.html", {
        "survey": survey, "pages": pages, **forms_, "kiosks": kiosks,
        "public_url": public_url(survey), "problems": q.problems(definition),
        "has_responses": survey.responses.exists(),
    }, status=status)


def _saved(request, survey, message="Le questionnaire est enregistré."):
    messages.success(request, message)
    return redirect("backoffice:survey_builder", pk=survey.pk)


@survey_agent_required
@require_GET
def survey_builder(request, pk):
    return _builder_page(request, agent_survey(request, pk))


@survey_agent_required
@require_POST
def survey_page_add(request, pk):
    survey = agent_survey(request, pk)
    form = PageForm(request.POST, prefix="page", definition=survey.definition)
    if not form.is_valid():
        return _builder_page(request, survey, status=400, page_form=form)
    services.survey_page_add(survey=survey, title=form.cleaned_data["title"],
                             condition=_condition(form.cleaned_data), acting_user=request.user)
    return _saved(request, survey, "La page est ajoutée.")


@survey_agent_required
@require_POST
def survey_question_add(request, pk):
    survey = agent_survey(request, pk)
    form = QuestionForm(request.POST, definition=survey.definition)
    if form.is_valid():
        try:
            question = services.survey_question_add(
                survey=survey, page=form.cleaned_data["page"], question=form.to_question(),
                acting_user=request.user)
        except services.SurveyError as error:
            _service_error(form, error)
        else:
            return _saved(request, survey, f"La question « {question['label'][:80]} » est "
                                           "ajoutée.")
    return _builder_page(request, survey, status=400, question_form=form)


def _posted_key(request, survey) -> str:
    key = request.POST.get("key", "")
    if key not in {f["key"] for f in q.all_questions(survey.definition)}:
        raise Http404
    return key


@survey_agent_required
@require_POST
def survey_question_delete(request, pk):
    survey = agent_survey(request, pk)
    try:
        services.survey_question_delete(survey=survey, key=_posted_key(request, survey),
                                        acting_user=request.user)
    except services.SurveyError as error:
        messages.error(request, str(error))
        return redirect("backoffice:survey_builder", pk=survey.pk)
    return _saved(request, survey, "La question est retirée.")


@survey_agent_required
@require_POST
def survey_question_move(request, pk):
    survey = agent_survey(request, pk)
    key = _posted_key(request, survey)
    try:
        services.survey_question_move(survey=survey, key=key,
                                      direction=request.POST.get("direction", ""),
                                      acting_user=request.user)
    except services.SurveyError as error:
        messages.error(request, str(error))
        return redirect("backoffice:survey_builder", pk=survey.pk)
    return _saved(request, survey, "La question est déplacée.")


@survey_agent_required
@require_POST
def survey_status(request, pk):
    """Open or close the questionnaire (a closed one reopens)."""
    survey = agent_survey(request, pk)
    try:
        if request.POST.get("action") == "close":
            services.survey_close(survey=survey, acting_user=request.user)
            messages.success(request, "Le questionnaire est clos : les réponses qui arrivent "
                                      "encore sont gardées, marquées tardives.")
        else:
            services.survey_open(survey=survey, acting_user=request.user)
            messages.success(request, "Le questionnaire est ouvert : les usagers peuvent "
                                      "répondre.")
    except services.SurveyError as error:
        messages.error(request, str(error))
    return redirect("backoffice:survey_builder", pk=survey.pk)


@survey_agent_required
@require_POST
def survey_kiosk_add(request, pk):
    survey = agent_survey(request, pk)
    form = KioskForm(request.POST, prefix="borne")
    if form.is_valid():
        try:
            kiosk = services.kiosk_create(survey=survey, place=form.cleaned_data["place"],
                                          acting_user=request.user)
        except services.SurveyError as error:
            _service_error(form, error)
        else:
            return _saved(request, survey, f"La borne « {kiosk.place} » est créée : ouvrez son "
                                           "adresse sur la tablette.")
    return _builder_page(request, survey, status=400, kiosk_form=form)
