"""Administrators' screens for signalements: the category tree with its questions, and the
Open311 API keys. Every change goes through a service that writes the journal."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from guichet.lib.forms import Form, ModelForm
from guichet.organisations.models import Competence
from guichet.reports.models import ApiKey, Category
from guichet.reports.services import api_key_create, api_key_revoke, category_save

from .views import admin_required

DATATYPES = [("string", "Texte court"), ("text", "Texte long"), ("number", "Nombre"),
             ("singlevaluelist", "Choix unique"), ("multivaluelist", "Choix multiple")]


class CategoryForm(ModelForm):
    competence_topic = forms.ChoiceField(label="Compétence", required=False)

    class Meta:
        model = Category
        fields = ["parent", "name", "service_code", "description", "keywords", "icon",
                  "competence_topic", "first_response_hours", "resolution_hours", "is_public",
                  "moderate_photos", "order", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Category.objects.filter(parent__isnull=True)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["parent"].empty_label = "Aucune (catégorie de premier niveau)"
        topics = Competence.objects.order_by("topic").values_list("topic", "label").distinct()
        choices = {topic: label for topic, label in topics}
        self.fields["competence_topic"].choices = [("", "Aucune (accueil de la commune)")] + \
            sorted(choices.items(), key=lambda item: item[1])
        self.fields["competence_topic"].help_text = (
            "La collectivité qui détient cette compétence là où se trouve le problème "
            "(l'intercommunalité ou la commune) traite le signalement.")

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if parent and self.instance.pk and self.instance.children.exists():
            raise ValidationError("Une catégorie qui a des sous-catégories reste au premier "
                                  "niveau.")
        return parent


class QuestionForm(Form):
    code = forms.SlugField(label="Code", max_length=40,
                           help_text="Identifiant technique, par exemple « volume ».")
    label = forms.CharField(label="Question", max_length=200)
    datatype = forms.ChoiceField(label="Type de réponse", choices=DATATYPES)
    required = forms.BooleanField(label="Réponse obligatoire", required=False)
    values = forms.CharField(
        label="Choix proposés", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Pour un choix : un par ligne, sous la forme « code : libellé ».")

    def clean(self):
        data = super().clean()
        lines = [line for line in (data.get("values") or "").splitlines() if line.strip()]
        choices = []
        for line in lines:
            key, _, name = line.partition(":")
            if not key.strip() or not name.strip():
                self.add_error("values", f"« {line} » : écrivez « code : libellé ».")
                return data
            choices.append({"key": key.strip(), "name": name.strip()})
        if data.get("datatype") in ("singlevaluelist", "multivaluelist") and len(choices) < 2:
            self.add_error("values", "Proposez au moins deux choix.")
        data["choices"] = choices
        return data


QuestionFormSet = forms.formset_factory(QuestionForm, extra=1, can_delete=True)


def _initial_questions(category: Category) -> list[dict]:
    return [{"code": q["code"], "label": q.get("label", ""), "datatype": q.get("datatype"),
             "required": q.get("required", False),
             "values": "\n".join(f"{v['key']} : {v['name']}" for v in q.get("values", []))}
            for q in category.sorted_questions()]


@admin_required
def category_list(request):
    categories = Category.objects.select_related("parent").order_by(
        "parent__order", "parent__name", "order", "name")
    return render(request, "backoffice/settings/categories.html", {"categories": categories})


@admin_required
def category_edit(request, pk=None):
    category = get_object_or_404(Category, pk=pk) if pk else Category()
    form = CategoryForm(request.POST or None, instance=category)
    questions = QuestionFormSet(request.POST or None, prefix="q",
                                initial=None if request.POST else _initial_questions(category))
    if request.method == "POST" and form.is_valid() and questions.is_valid():
        category = form.save(commit=False)
        category.questions = [
            {"code": q["code"], "label": q["label"], "datatype": q["datatype"],
             "required": q["required"], "order": order, "values": q["choices"]}
            for order, q in enumerate(
                (q for q in questions.cleaned_data if q and not q.get("DELETE")), start=1)]
        codes = [q["code"] for q in category.questions]
        if len(codes) != len(set(codes)):
            form.add_error(None, "Deux questions ont le même code.")
        else:
            category_save(category=category, acting_user=request.user)
            messages.success(request, f"La catégorie « {category.full_name} » est enregistrée.")
            return redirect("backoffice:category_list")
    return render(request, "backoffice/settings/category_form.html", {
        "form": form, "questions": questions, "category": category})


class ApiKeyForm(Form):
    name = forms.CharField(label="Application", max_length=120,
                           help_text="Par exemple : application mobile de la commune.")
    contact_email = forms.EmailField(label="Contact technique", required=False)
    requests_per_minute = forms.IntegerField(label="Signalements par minute au plus",
                                             min_value=1, max_value=10000, initial=60)


@admin_required
def api_keys(request):
    form = ApiKeyForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        created = api_key_create(acting_user=request.user, **form.cleaned_data)
        form = ApiKeyForm()
    return render(request, "backoffice/settings/api_keys.html", {
        "form": form, "created": created,
        "keys": ApiKey.objects.order_by("-is_active", "name")})


@admin_required
@require_POST
def api_key_revoke_view(request, pk):
    key = get_object_or_404(ApiKey, pk=pk)
    api_key_revoke(key=key, acting_user=request.user)
    messages.success(request, f"La clé « {key.name} » est révoquée.")
    return redirect("backoffice:api_keys")


@admin_required
def sessions(request):
    """Agents' signed-in browsers: seen, and ended by an administrator when needed."""
    from guichet.accounts.models import UserSession

    listed = (UserSession.objects.filter(user__memberships__isnull=False)
              .select_related("user").distinct().order_by("user__last_name", "-last_seen_at"))
    return render(request, "backoffice/settings/sessions.html", {"sessions": listed})


@admin_required
@require_POST
def session_revoke_view(request, pk):
    from guichet.accounts.models import UserSession
    from guichet.accounts.two_factor import session_revoke
    from guichet.journal.models import Entry
    from guichet.journal.services import journal_record

    session = get_object_or_404(UserSession.objects.select_related("user"), pk=pk)
    session_revoke(session=session)
    journal_record(actor=request.user, action=Entry.Action.SETTINGS_CHANGED,
                   person=session.user, session_revoked=True)
    messages.success(request, f"La session de {session.user} est fermée.")
    return redirect("backoffice:sessions")
