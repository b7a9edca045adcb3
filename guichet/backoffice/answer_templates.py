"""Answer templates: per unit (its agents write them) or shared (administrators)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render

from guichet.accounts.models import Membership
from guichet.cases.selectors import agent_unit_ids, has_role
from guichet.intake.models import AnswerTemplate
from guichet.journal.models import Entry
from guichet.journal.services import journal_record
from guichet.lib.forms import ModelForm
from guichet.organisations.models import Unit

from .views import agent_required


class TemplateForm(ModelForm):
    class Meta:
        model = AnswerTemplate
        fields = ["unit", "title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=agent_unit_ids(user))
        self.fields["unit"].required = not has_role(user, Membership.Role.ADMIN)
        self.fields["unit"].empty_label = "Commun à tous les services"


def _editable(user):
    units = agent_unit_ids(user)
    shared = Q(unit__isnull=True) if has_role(user, Membership.Role.ADMIN) else Q(pk__in=[])
    return AnswerTemplate.objects.filter(Q(unit_id__in=units) | shared)


@agent_required
def templates(request):
    listed = AnswerTemplate.objects.filter(Q(unit_id__in=agent_unit_ids(request.user)) |
                                           Q(unit__isnull=True)).select_related("unit")
    return render(request, "backoffice/templates/list.html", {
        "templates": listed.order_by("unit__name", "title"),
        "editable": set(_editable(request.user).values_list("pk", flat=True))})


@agent_required
def template_edit(request, pk=None):
    template = get_object_or_404(_editable(request.user), pk=pk) if pk else AnswerTemplate()
    form = TemplateForm(request.POST or None, instance=template, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.created_by = saved.created_by or request.user
        saved.save()
        journal_record(actor=request.user, action=Entry.Action.SETTINGS_CHANGED,
                       template=saved.pk)
        messages.success(request, f"Le modèle « {saved.title} » est enregistré.")
        return redirect("backoffice:templates")
    return render(request, "backoffice/templates/form.html", {
        "form": form, "template": template, "variables": AnswerTemplate.VARIABLES})
