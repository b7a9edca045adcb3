"""The procedure builder for administrators and unit managers: the procedure's settings, its
pages of fields with conditions, its documents, a preview, and publishing. Every change is
saved to the draft; residents see only what was published."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from guichet.accounts.models import Membership
from guichet.accounts.two_factor import agent_rights_suspended
from guichet.cases.selectors import has_role
from guichet.documents.models import DOCUMENT_TYPES
from guichet.lib.forms import Form, ModelForm
from guichet.organisations.models import Unit
from guichet.procedures import definition as definitions
from guichet.procedures.conditions import OPERATORS, describe
from guichet.procedures.fields import BLOCK_CHILD_TYPES, FIELD_TYPES, PREFILL_SOURCES, PageForm
from guichet.procedures.models import Procedure
from guichet.procedures.services import (
    ProcedureError,
    procedure_admin_can_edit,
    procedure_document_add,
    procedure_document_delete,
    procedure_field_add,
    procedure_field_delete,
    procedure_field_move,
    procedure_field_update,
    procedure_page_add,
    procedure_page_delete,
    procedure_page_update,
    procedure_publish,
    procedure_workflow_save,
    publication_problems,
)

from .views import agent_required

BUILDER_ROLES = (Membership.Role.ADMIN, Membership.Role.MANAGER)


def builder_units(user):
    """Units whose procedures this user may build: all units of an organisation they
    administer, and the units they manage (none without the second factor they need)."""
    if agent_rights_suspended(user):
        return Unit.objects.none()
    memberships = Membership.objects.filter(user=user, role__in=BUILDER_ROLES)
    admin_orgs = memberships.filter(role=Membership.Role.ADMIN).values("unit__organisation")
    managed = memberships.filter(role=Membership.Role.MANAGER).values("unit")
    return Unit.objects.filter(is_active=True).filter(
        Q(organisation__in=admin_orgs) | Q(pk__in=managed)
    ).select_related("organisation")


def can_build(user) -> bool:
    return has_role(user, *BUILDER_ROLES)


class ProcedureForm(ModelForm):
    class Meta:
        model = Procedure
        fields = ["title", "slug", "unit", "summary", "audience", "identification_required",
                  "opens_on", "closes_on", "terms", "processing_purpose", "dpo_contact",
                  "implicit", "implicit_delay_months", "appeal_routes", "owes_acknowledgement",
                  "purge_identity_documents", "decision_template", "draft_days"]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "closes_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "terms": forms.Textarea(attrs={"rows": 4}),
            "processing_purpose": forms.Textarea(attrs={"rows": 2}),
            "appeal_routes": forms.Textarea(attrs={"rows": 4}),
            "decision_template": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = builder_units(user)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = "Laissé vide : tiré de l'intitulé."

    def clean(self):
        cleaned = super().clean()
        unit = cleaned.get("unit")
        if unit and not cleaned.get("slug"):
            cleaned["slug"] = slugify(cleaned.get("title", ""))[:80]
        if unit and Procedure.objects.filter(organisation=unit.organisation,
                                             slug=cleaned.get("slug")).exclude(
                pk=self.instance.pk).exists():
            self.add_error("slug", "Une autre démarche de cette collectivité a déjà cet "
                                   "identifiant.")
        opens, closes = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", "La fermeture doit suivre l'ouverture.")
        return cleaned


def _builder_procedure(request, pk) -> Procedure:
    procedure = get_object_or_404(Procedure.objects.select_related("unit", "current_version"),
                                  pk=pk)
    if not procedure_admin_can_edit(request.user, procedure):
        raise PermissionDenied
    return procedure


@agent_required
def procedure_edit(request, pk=None):
    if not can_build(request.user):
        raise PermissionDenied
    procedure = _builder_procedure(request, pk) if pk else None
    form = ProcedureForm(request.POST or None, instance=procedure, user=request.user)
    if request.method == "POST" and form.is_valid():
        item = form.save(commit=False)
        item.organisation = item.unit.organisation
        item.slug = form.cleaned_data["slug"]
        if not item.definition:
            item.definition = {"pages": [{"title": "Votre demande", "fields": []}],
                               "documents": []}
        item.save()
        from guichet.journal.models import Entry
        from guichet.journal.services import journal_record

        journal_record(actor=request.user, action=Entry.Action.SETTINGS_CHANGED,
                       procedure=item.pk, change="settings")
        messages.success(request, "Les réglages de la démarche sont enregistrés.")
        return redirect("backoffice:procedure_builder", pk=item.pk)
    return render(request, "backoffice/procedures/edit.html", {
        "form": form, "procedure": procedure}, status=400 if form.errors else 200)


class ConditionForm(Form):
    """A display condition on an earlier answer, as the last fields of a builder form."""

    condition_label, condition_empty = "Afficher seulement si la réponse à", "Toujours afficher"
    condition_field = forms.ChoiceField(required=False)
    condition_op = forms.ChoiceField(label="Condition", required=False,
                                     choices=list(OPERATORS.items()))
    condition_value = forms.CharField(label="Valeur", required=False, max_length=200)
    condition_join = forms.ChoiceField(label="Combiner avec une seconde condition",
                                       required=False, choices=[("all", "et"), ("any", "ou")])
    condition2_field = forms.ChoiceField(label="Seconde condition : la réponse à",
                                         required=False)
    condition2_op = forms.ChoiceField(label="Seconde condition", required=False,
                                      choices=list(OPERATORS.items()))
    condition2_value = forms.CharField(label="Valeur de la seconde condition", required=False,
                                       max_length=200)

    def __init__(self, *args, definition: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["condition_field"].label = self.condition_label
        choices = _condition_choices(definition, self.condition_empty)
        self.fields["condition_field"].choices = choices
        self.fields["condition2_field"].choices = [("", "Pas de seconde condition"),
                                                   *choices[1:]]
        self.order_fields([name for name in self.fields if not name.startswith("condition")])


BOUNDS = {
    "integer": (int, "un nombre entier, par exemple 3"),
    "decimal": (Decimal, "un nombre, par exemple 12.50"),
    "date": (dt.date.fromisoformat, "une date au format AAAA-MM-JJ, par exemple 2025-09-01"),
}


class FieldForm(ConditionForm):
    page = forms.TypedChoiceField(label="Page", coerce=int)
    parent = forms.ChoiceField(label="Dans le bloc répétable", required=False)
    type = forms.ChoiceField(label="Type de champ", choices=list(FIELD_TYPES.items()))
    label = forms.CharField(label="Libellé (ou texte affiché)", max_length=2000)
    key = forms.CharField(label="Identifiant", max_length=40, required=False,
                          help_text="Lettres minuscules, chiffres et _ ; laissé vide : tiré du "
                                    "libellé. Sert aux conditions et aux modèles.")
    required = forms.BooleanField(label="Réponse obligatoire", required=False)
    help = forms.CharField(label="Aide affichée sous le libellé", max_length=500,
                           required=False)
    purpose = forms.CharField(label="Pourquoi demandons-nous cette information ?",
                              max_length=300, required=False,
                              help_text="Obligatoire pour publier (minimisation, CNIL). Vu des "
                                        "administrateurs seulement.")
    choices = forms.CharField(label="Choix proposés (un par ligne)", required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    widget = forms.ChoiceField(label="Présentation du choix unique", required=False,
                               choices=[("radio", "Boutons radio"), ("select", "Liste")])
    min = forms.CharField(label="Minimum (nombre ou date AAAA-MM-JJ)", required=False,
                          max_length=20)
    max = forms.CharField(label="Maximum (nombre ou date AAAA-MM-JJ)", required=False,
                          max_length=20)
    min_length = forms.IntegerField(label="Longueur minimale", required=False, min_value=1,
                                    max_value=5000)
    max_length = forms.IntegerField(label="Longueur maximale", required=False, min_value=1,
                                    max_value=5000)
    pattern = forms.CharField(label="Motif de validation (expression régulière)",
                              required=False, max_length=200)
    pattern_message = forms.CharField(label="Message si le motif n'est pas respecté",
                                      required=False, max_length=200)
    prefill = forms.ChoiceField(label="Pré-remplir depuis le profil", required=False,
                                choices=[("", "Non"), *PREFILL_SOURCES.items()])

    def __init__(self, *args, definition: dict, **kwargs):
        super().__init__(*args, definition=definition, **kwargs)
        pages = definitions.pages(definition)
        self.fields["page"].choices = [(i, f"{i + 1}. {p.get('title', '')}")
                                       for i, p in enumerate(pages)]
        blocks = [(f"{i}:{f['key']}", f"{f['label']} (page {i + 1})")
                  for i, p in enumerate(pages) for f in p.get("fields", [])
                  if f.get("type") == "block"]
        self.fields["parent"].choices = [("", "Non, directement dans la page"), *blocks]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("parent") and cleaned.get("type") not in BLOCK_CHILD_TYPES:
            self.add_error("type", "Un bloc répétable ne peut contenir ni fichier ni bloc.")
        if cleaned.get("parent") and cleaned.get("condition_field"):
            self.add_error("condition_field", "Un champ d'un bloc répétable s'affiche toujours "
                                              "avec son bloc : mettez la condition sur le bloc.")
        if cleaned.get("type") in ("choice", "multichoice") and not cleaned.get("choices"):
            self.add_error("choices", "Indiquez au moins un choix.")
        convert, expected = BOUNDS.get(cleaned.get("type"), (None, ""))
        for name in ("min", "max"):
            value = (cleaned.get(name) or "").strip()
            if value and convert is None:
                self.add_error(name, "Un minimum ou un maximum ne s'applique qu'à un nombre "
                                     "ou une date.")
            elif value:
                try:
                    cleaned[name] = str(convert(value.replace(",", ".")))
                except (ValueError, ArithmeticError):
                    self.add_error(name, f"Saisissez {expected}.")
        return cleaned

    def to_field(self) -> dict:
        data = self.cleaned_data
        field = {"key": data["key"] or slugify(data["label"]).replace("-", "_")[:40],
                 "type": data["type"], "label": data["label"], "required": data["required"]}
        for name in ("help", "purpose", "min", "max", "pattern", "pattern_message", "prefill",
                     "min_length", "max_length"):
            if data.get(name):
                field[name] = data[name]
        if data["type"] in ("choice", "multichoice"):
            field["choices"] = [c.strip() for c in data["choices"].splitlines() if c.strip()]
            if data["type"] == "choice":
                field["widget"] = data.get("widget") or "radio"
        if data["type"] == "block":
            field["fields"] = []
        if _condition(data):
            field["condition"] = _condition(data)
        return field


class DocumentForm(ConditionForm):
    label = forms.CharField(label="Pièce demandée", max_length=200)
    type = forms.ChoiceField(label="Type de document", choices=list(DOCUMENT_TYPES.items()))
    help = forms.CharField(label="Précision (ex. : de moins de 3 mois)", required=False,
                           max_length=300)
    required = forms.BooleanField(label="Obligatoire", required=False, initial=True)
    formats = forms.MultipleChoiceField(
        label="Formats acceptés", required=False, widget=forms.CheckboxSelectMultiple,
        choices=[("pdf", "PDF"), ("jpg", "JPEG"), ("png", "PNG"), ("odt", "ODT"),
                 ("docx", "DOCX")], help_text="Aucun coché : tous les formats acceptés.")
    max_mb = forms.IntegerField(label="Taille maximale (Mo)", required=False, min_value=1,
                                max_value=50)
    condition_label, condition_empty = "Demander seulement si la réponse à", "Toujours"


def _condition_choices(definition: dict, empty: str) -> list[tuple[str, str]]:
    return [("", empty), *[(f["key"], f["label"]) for f in definitions.all_fields(definition)
                           if f.get("type") not in ("title", "explanation", "block", "file")]]


def _condition(data: dict) -> dict | None:
    """One condition, or two joined by « et » / « ou », from a ConditionForm's data."""
    parts = [{"field": data[f"{prefix}_field"], "op": data.get(f"{prefix}_op") or "eq",
              "value": data.get(f"{prefix}_value", "")}
             for prefix in ("condition", "condition2") if data.get(f"{prefix}_field")]
    if len(parts) == 2:
        return {data.get("condition_join") or "all": parts}
    return parts[0] if parts else None


def _condition_initial(condition: dict | None) -> dict:
    condition = condition or {}
    join = "all" if "all" in condition else "any" if "any" in condition else ""
    parts = condition.get(join, []) if join else [condition] if condition else []
    initial = {"condition_join": join or "all"}
    for prefix, part in zip(("condition", "condition2"), parts[:2], strict=False):
        initial.update({f"{prefix}_field": part.get("field", ""),
                        f"{prefix}_op": part.get("op"), f"{prefix}_value": part.get("value", "")})
    return initial


class WorkflowForm(Form):
    """Who may take each step, the automatic jumps, and the agents' private fields."""

    expire_documents_after_days = forms.IntegerField(
        label="Classer sans suite un dossier dont les pièces demandées ne sont pas reçues, "
              "ce nombre de jours après la date limite (0 : jamais)",
        min_value=0, max_value=365, initial=0)
    on_submit_field = forms.ChoiceField(label="Mettre en instruction dès le dépôt si la "
                                              "réponse à", required=False)
    on_submit_op = forms.ChoiceField(label="Condition de mise en instruction", required=False,
                                     choices=list(OPERATORS.items()))
    on_submit_value = forms.CharField(label="Valeur attendue", required=False, max_length=200)
    states = forms.CharField(
        label="États intermédiaires propres à la démarche (un par ligne)", required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Par exemple : Avis de la commission. Un dossier y passe depuis "
                  "l'instruction et en sort par une décision, une demande de pièces ou un "
                  "retour en instruction.")
    annotations = forms.CharField(
        label="Annotations privées des agents (une par ligne)", required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Par exemple : Avis de la commission. Jamais montrées à l'usager.")

    def __init__(self, *args, definition: dict, **kwargs):
        super().__init__(*args, **kwargs)
        from guichet.procedures.services import TRANSITIONS, transition_roles

        roles = [(value, label) for value, label in Membership.Role.choices
                 if value != Membership.Role.DPO]
        self.transition_names = []
        for code, transition in TRANSITIONS.items():
            name = f"roles_{code}"
            self.fields[name] = forms.MultipleChoiceField(
                label=f"« {transition['label']} » : rôles autorisés", choices=roles,
                widget=forms.CheckboxSelectMultiple, initial=transition_roles(definition, code),
                error_messages={"required": "Cochez au moins un rôle."})
            self.transition_names.append(name)
        self.fields["on_submit_field"].choices = _condition_choices(definition, "Jamais")
        workflow = definition.get("workflow", {})
        self.fields["expire_documents_after_days"].initial = workflow.get(
            "expire_documents_after_days", 0)
        rule = (workflow.get("on_submit") or {}).get("condition") or {}
        self.fields["on_submit_field"].initial = rule.get("field", "")
        self.fields["on_submit_op"].initial = rule.get("op", "eq")
        self.fields["on_submit_value"].initial = rule.get("value", "")
        self.fields["annotations"].initial = "\n".join(
            a["label"] for a in definition.get("annotations", []))
        self.fields["states"].initial = "\n".join(
            extra["label"] for extra in workflow.get("states", []))

    def apply(self, definition: dict) -> dict:
        from guichet.procedures.services import TRANSITIONS

        data = self.cleaned_data
        workflow = {code: data[f"roles_{code}"] for code in TRANSITIONS}
        workflow["expire_documents_after_days"] = data["expire_documents_after_days"] or 0
        if data.get("on_submit_field"):
            workflow["on_submit"] = {"to": "review", "condition": {
                "field": data["on_submit_field"], "op": data.get("on_submit_op") or "eq",
                "value": data.get("on_submit_value", "")}}
        workflow["states"] = [{**item, "key": item["key"][:18], "roles": workflow["review"]}
                              for item in _keyed(data["states"], limit=8)]
        return {**definition, "workflow": workflow,
                "annotations": _keyed(data["annotations"], limit=20)}


def _keyed(lines: str, *, limit: int) -> list[dict]:
    """One {"key", "label"} per non-empty line, keys unique."""
    items: list[dict] = []
    for line in lines.splitlines():
        label = line.strip()[:100]
        key = slugify(label).replace("-", "_")[:40]
        if label and key and key not in {item["key"] for item in items}:
            items.append({"key": key, "label": label})
    return items[:limit]


def _find_field(definition: dict, key: str) -> tuple[int, list, int] | None:
    """(page index, the list holding it, its position) of a field or a block's child."""
    for page_index, page in enumerate(definition["pages"]):
        containers = [page["fields"]] + [f.get("fields", []) for f in page["fields"]
                                         if f.get("type") == "block"]
        for fields in containers:
            for position, field in enumerate(fields):
                if field["key"] == key:
                    return page_index, fields, position
    return None


def _field_initial(field: dict, page_index: int) -> dict:
    return {**{k: v for k, v in field.items() if k not in ("choices", "condition", "fields")},
            "page": page_index, "choices": "\n".join(field.get("choices", [])),
            **_condition_initial(field.get("condition"))}


class PageSettingsForm(ConditionForm):
    condition_label, condition_empty = "Afficher la page seulement si la réponse à", "Toujours"
    title = forms.CharField(label="Titre de la page", max_length=200)


def _definition(procedure) -> dict:
    definition = copy.deepcopy(procedure.definition or definitions.EMPTY)
    definition.setdefault("pages", [])
    definition.setdefault("documents", [])
    return definition


def _builder_page(request, procedure, definition, *, status=200, **bound):
    """The builder page, with the forms given bound (after an invalid POST) or fresh."""
    page_index = _page_index(definition, request.GET.get("page", ""))
    editing = request.POST.get("original_key") or request.GET.get("champ", "")
    found = _find_field(definition, editing) if editing else None
    forms_ = {
        "field_form": FieldForm(definition=definition, initial=(
            _field_initial(found[1][found[2]], found[0]) if found else None)),
        "document_form": DocumentForm(prefix="piece", definition=definition),
        "workflow_form": WorkflowForm(prefix="circuit", definition=definition),
        "page_form": PageSettingsForm(prefix="page", definition=definition, initial=(
            {"title": definition["pages"][page_index]["title"],
             **_condition_initial(definition["pages"][page_index].get("condition"))}
            if page_index is not None else None)),
    }
    forms_.update(bound)
    if "page_form" in bound:
        page_index = _page_index(definition, request.POST.get("page_index", ""))
    labels = definitions.labels(definition)
    pages = [{"index": i, "title": p.get("title", ""),
              "condition_text": describe(p.get("condition"), labels), "fields": [
        {**f, "type_label": FIELD_TYPES.get(f.get("type"), "?"),
         "condition_text": describe(f.get("condition"), labels),
         "children": [{**c, "type_label": FIELD_TYPES.get(c.get("type"), "?")}
                      for c in f.get("fields", [])]}
        for f in p.get("fields", [])]} for i, p in enumerate(definition["pages"])]
    return render(request, "backoffice/procedures/builder.html", {
        "procedure": procedure, "pages": pages, "documents": definition["documents"],
        **forms_, "editing": editing if found else "", "editing_page": page_index,
        "problems": publication_problems(procedure), "types": DOCUMENT_TYPES,
    }, status=status)


def _saved(request, procedure):
    messages.success(request, "Le brouillon du formulaire est enregistré.")
    return redirect("backoffice:procedure_builder", pk=procedure.pk)


def _invalid(request, procedure, **bound):
    return _builder_page(request, procedure, _definition(procedure), status=400, **bound)


@agent_required
@require_GET
def procedure_builder(request, pk):
    procedure = _builder_procedure(request, pk)
    return _builder_page(request, procedure, _definition(procedure))


def _page_data(form) -> dict:
    page = {"title": form.cleaned_data["title"]}
    if _condition(form.cleaned_data):
        page["condition"] = _condition(form.cleaned_data)
    return page


@agent_required
@require_POST
def builder_page_add(request, pk):
    procedure = _builder_procedure(request, pk)
    form = PageSettingsForm(request.POST, prefix="page", definition=_definition(procedure))
    if not form.is_valid():
        return _invalid(request, procedure, page_form=form)
    procedure_page_add(procedure=procedure, page=_page_data(form), acting_user=request.user)
    return _saved(request, procedure)


@agent_required
@require_POST
def builder_page_update(request, pk):
    procedure = _builder_procedure(request, pk)
    definition = _definition(procedure)
    index = _page_index(definition, request.POST.get("page_index", ""))
    if index is None:
        raise Http404
    form = PageSettingsForm(request.POST, prefix="page", definition=definition)
    if not form.is_valid():
        return _invalid(request, procedure, page_form=form)
    procedure_page_update(procedure=procedure, index=index, page=_page_data(form),
                          acting_user=request.user)
    return _saved(request, procedure)


@agent_required
@require_POST
def builder_page_delete(request, pk):
    procedure = _builder_procedure(request, pk)
    index = _page_index(_definition(procedure), request.POST.get("page", ""))
    if index is None:
        raise Http404
    procedure_page_delete(procedure=procedure, index=index, acting_user=request.user)
    return _saved(request, procedure)


@agent_required
@require_POST
def builder_field_add(request, pk):
    procedure = _builder_procedure(request, pk)
    form = FieldForm(request.POST, definition=_definition(procedure))
    if not form.is_valid():
        return _invalid(request, procedure, field_form=form)
    parent = form.cleaned_data.get("parent", "")
    procedure_field_add(procedure=procedure, page_index=form.cleaned_data["page"],
                        parent_key=parent.split(":", 1)[1] if parent else "",
                        field=form.to_field(), acting_user=request.user)
    return _saved(request, procedure)


@agent_required
@require_POST
def builder_field_update(request, pk):
    procedure = _builder_procedure(request, pk)
    definition = _definition(procedure)
    key = request.POST.get("original_key", "")
    if _find_field(definition, key) is None:
        raise Http404
    form = FieldForm(request.POST, definition=definition)
    if not form.is_valid():
        return _invalid(request, procedure, field_form=form)
    procedure_field_update(procedure=procedure, key=key, field=form.to_field(),
                           acting_user=request.user)
    return _saved(request, procedure)


def _posted_field(request, procedure) -> str:
    key = request.POST.get("key", "")
    if _find_field(_definition(procedure), key) is None:
        raise Http404
    return key


@agent_required
@require_POST
def builder_field_move(request, pk):
    procedure = _builder_procedure(request, pk)
    key = _posted_field(request, procedure)
    direction = request.POST.get("direction", "")
    if direction not in ("up", "down"):
        return HttpResponseBadRequest("Sens de déplacement inconnu.")
    procedure_field_move(procedure=procedure, key=key, direction=direction,
                         acting_user=request.user)
    return _saved(request, procedure)


@agent_required
@require_POST
def builder_field_delete(request, pk):
    procedure = _builder_procedure(request, pk)
    procedure_field_delete(procedure=procedure, key=_posted_field(request, procedure),
                           acting_user=request.user)
    return _saved(request, procedure)


@agent_required
@require_POST
def builder_document_add(request, pk):
    procedure = _builder_procedure(request, pk)
    form = DocumentForm(request.POST, prefix="piece", definition=_definition(procedure))
    if not form.is_valid():
        return _invalid(request, procedure, document_form=form)
    data = form.cleaned_data
    condition = _condition(data)
    procedure_document_add(procedure=procedure, acting_user=request.user, document={
        "key": slugify(data["label"]).replace("-", "_"), "label": data["label"],
        "type": data["type"], "help": data["help"], "required": data["required"],
        "formats": data["formats"], "max_mb": data["max_mb"],
        **({"condition": condition} if condition else {})})
    return _saved(request, procedure)


@agent_required
@require_POST
def builder_document_delete(request, pk):
    procedure = _builder_procedure(request, pk)
    key = request.POST.get("key", "")
    if key not in {d["key"] for d in _definition(procedure)["documents"]}:
        raise Http404
    procedure_document_delete(procedure=procedure, key=key, acting_user=request.user)
    return _saved(request, procedure)


@agent_required
@require_POST
def builder_workflow_save(request, pk):
    procedure = _builder_procedure(request, pk)
    definition = _definition(procedure)
    form = WorkflowForm(request.POST, prefix="circuit", definition=definition)
    if not form.is_valid():
        return _invalid(request, procedure, workflow_form=form)
    applied = form.apply(definition)
    procedure_workflow_save(procedure=procedure, workflow=applied["workflow"],
                            annotations=applied["annotations"], acting_user=request.user)
    return _saved(request, procedure)


def _page_index(definition: dict, value: str) -> int | None:
    try:
        index = int(value)
    except (TypeError, ValueError):
        return None
    return index if 0 <= index < len(definition["pages"]) else None


@agent_required
def procedure_preview(request, pk):
    """Every page as residents will see it (all conditions shown as met would hide nothing
    useful, so each page shows all its fields with their conditions written out)."""
    procedure = _builder_procedure(request, pk)
    definition = _definition(procedure)
    labels = definitions.labels(definition)
    pages = []
    for page in definition["pages"]:
        everything = {**page, "fields": [{k: v for k, v in f.items() if k != "condition"}
                                         for f in page.get("fields", [])]}
        form = PageForm(page=everything, answers={}, auto_id=f"apercu-{len(pages)}-%s")
        pages.append({"title": page.get("title", ""), "form": form,
                      "condition": describe(page.get("condition"), labels),
                      "conditions": {f["key"]: describe(f.get("condition"), labels)
                                     for f in page.get("fields", []) if f.get("condition")}})
    return render(request, "backoffice/procedures/preview.html", {
        "procedure": procedure, "pages": pages, "documents": definition["documents"],
        "problems": publication_problems(procedure)})


@agent_required
@require_POST
def procedure_publish_view(request, pk):
    procedure = _builder_procedure(request, pk)
    try:
        version = procedure_publish(procedure=procedure, acting_user=request.user)
    except ProcedureError as error:
        messages.error(request, str(error))
        return redirect("backoffice:procedure_builder", pk=pk)
    messages.success(request, f"Version {version.number} publiée : les usagers la voient dès "
                              "maintenant. Les dossiers déjà commencés gardent leur version.")
    return redirect("backoffice:procedure_builder", pk=pk)
