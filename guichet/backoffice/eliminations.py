"""Bordereaux d'élimination: the files the retention rules propose to destroy, read by the
archivist (who signs the visa) and the DPO (who reads them). Nothing is destroyed before the
visa; the bordereau stays as the record of what was."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from guichet.lib.forms import Form
from guichet.privacy.dpo import dpo_organisation_ids
from guichet.privacy.models import Elimination
from guichet.privacy.services import PrivacyError, archivist_organisation_ids, elimination_decide


def _readable(user) -> list[int]:
    """Collectivités whose bordereaux the user may read: the archivist's and the DPO's."""
    ids = set(archivist_organisation_ids(user)) | set(dpo_organisation_ids(user))
    if not ids:
        raise PermissionDenied
    return sorted(ids)


def _eliminations(user):
    return (Elimination.objects.filter(organisation_id__in=_readable(user))
            .select_related("organisation", "decided_by")
            .annotate(count=Count("items"), volume=Sum("items__volume"))
            .order_by("-created_at", "-pk"))


class VisaForm(Form):
    decision = forms.ChoiceField(label="Décision", widget=forms.RadioSelect, choices=[
        ("approve", "Viser : les dossiers listés sont éliminés"),
        ("refuse", "Refuser le visa : les dossiers sont conservés")],
        error_messages={"required": "Choisissez de viser ou de refuser."})
    comment = forms.CharField(label="Observations", required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="Obligatoires en cas de refus (par exemple : intérêt "
                                        "historique, versement aux archives).")


@login_required
def elimination_list(request):
    page = Paginator(_eliminations(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "backoffice/eliminations/list.html", {
        "page": page, "can_sign": bool(archivist_organisation_ids(request.user))})


def _detail(request, pk, form, status=200):
    elimination = get_object_or_404(_eliminations(request.user), pk=pk)
    items = Paginator(elimination.items.all(), 100).get_page(request.GET.get("page"))
    return render(request, "backoffice/eliminations/detail.html", {
        "elimination": elimination, "items": items, "form": form,
        "can_sign": elimination.organisation_id in archivist_organisation_ids(request.user),
    }, status=status)


@login_required
def elimination_detail(request, pk):
    return _detail(request, pk, VisaForm())


@login_required
@require_POST
def elimination_visa(request, pk):
    elimination = get_object_or_404(_eliminations(request.user), pk=pk)
    form = VisaForm(request.POST)
    if form.is_valid():
        try:
            elimination_decide(elimination=elimination,
                               approve=form.cleaned_data["decision"] == "approve",
                               comment=form.cleaned_data["comment"],
                               acting_user=request.user)
        except PrivacyError as exc:
            form.add_error("comment" if "pourquoi" in str(exc) else None, str(exc))
        else:
            messages.success(request, f"Bordereau {elimination.number} : décision "
                                      "enregistrée.")
            return redirect("backoffice:elimination", pk=elimination.pk)
    return _detail(request, pk, form, status=400)
