"""Communication agents' screens: news and alerts of their collectivités, created, edited,
published and unpublished through `news.services`."""

from __future__ import annotations

from functools import wraps

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from guichet.lib import geo
from guichet.lib.files import check_upload
from guichet.lib.forms import ModelForm
from guichet.news import services
from guichet.news.models import Alert, News, Topic
from guichet.news.selectors import editable_organisations
from guichet.reports.selectors import map_settings

from .views import agent_required

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp"}


def communication_required(view):
    """Agents with the communication or administrator role in a unit."""

    @wraps(view)
    @agent_required
    def wrapper(request, *args, **kwargs):
        if not editable_organisations(request.user).exists():
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


class NewsForm(ModelForm):
    class Meta:
        model = News
        fields = ["organisation", "title", "summary", "body_html", "image", "image_alt",
                  "topics", "publish_at", "expire_at"]
        widgets = {"topics": forms.CheckboxSelectMultiple, "publish_at": DATETIME,
                   "expire_at": DATETIME, "summary": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"body_html": "Paragraphes, gras, italique, listes, intertitres et liens ; "
                                   "le reste est retiré.",
                      "image_alt": "Ce que montre l'image, pour qui ne la voit pas (obligatoire "
                                   "avec une image).",
                      "publish_at": "Une date future programme la publication.",
                      "expire_at": "Vide : l'actualité reste en ligne."}
        error_messages = {"title": {"required": "Indiquez un titre."},
                          "summary": {"required": "Indiquez un chapô de quelques lignes."},
                          "body_html": {"required": "Écrivez le texte de l'actualité."},
                          "publish_at": {"required": "Indiquez la date de publication.",
                                         "invalid": "Indiquez une date et une heure valides."},
                          "expire_at": {"invalid": "Indiquez une date et une heure valides."},
                          "organisation": {"required": "Choisissez la collectivité."}}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = editable_organisations(user)
        self.fields["topics"].queryset = Topic.objects.order_by("name")
        self.fields["publish_at"].input_formats = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"]
        self.fields["expire_at"].input_formats = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"]
        self.fields["image"].widget = forms.ClearableFileInput(
            attrs={"accept": ".jpg,.jpeg,.png,.webp"})

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and hasattr(image, "content_type"):
            checked = check_upload(image)
            if checked.content_type not in IMAGE_TYPES:
                raise ValidationError("L'image doit être au format JPEG, PNG ou WebP.")
        return image

    def clean(self):
        data = super().clean()
        if data.get("image") and not (data.get("image_alt") or "").strip():
            self.add_error("image_alt", "Décrivez l'image en quelques mots.")
        if data.get("publish_at") and data.get("expire_at") and \
                data["expire_at"] <= data["publish_at"]:
            self.add_error("expire_at", "Le retrait doit suivre la publication.")
        if not services.sanitise(data.get("body_html") or "") and "body_html" not in self.errors:
            self.add_error("body_html", "Écrivez le texte de l'actualité.")
        return data


class AlertForm(ModelForm):
    class Meta:
        model = Alert
        fields = ["organisation", "kind", "title", "description", "topics", "starts_at",
                  "ends_at", "address", "lat", "lon", "radius_m", "geojson"]
        widgets = {"topics": forms.CheckboxSelectMultiple, "starts_at": DATETIME,
                   "ends_at": DATETIME, "kind": forms.RadioSelect,
                   "geojson": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"lat": "La zone : un point et un rayon, ou une géométrie GeoJSON.",
                      "geojson": "Facultatif : un Polygon ou MultiPolygon (WGS84)."}
        error_messages = {"title": {"required": "Indiquez un titre."},
                          "description": {"required": "Décrivez l'alerte."},
                          "starts_at": {"required": "Indiquez le début.",
                                        "invalid": "Indiquez une date et une heure valides."},
                          "ends_at": {"required": "Indiquez la fin.",
                                      "invalid": "Indiquez une date et une heure valides."},
                          "lat": {"invalid": "Indiquez un nombre, par exemple 49.33."},
                          "lon": {"invalid": "Indiquez un nombre, par exemple 6.06."},
                          "radius_m": {"invalid": "Indiquez un nombre de mètres."},
                          "geojson": {"invalid": "Ce n'est pas du GeoJSON valide."},
                          "organisation": {"required": "Choisissez la collectivité."}}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = editable_organisations(user)
        self.fields["topics"].queryset = Topic.objects.order_by("name")
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"]
        self.fields["kind"].choices = Alert.Kind.choices

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", "La fin doit suivre le début.")
        lat, lon, geometry = data.get("lat"), data.get("lon"), data.get("geojson")
        if (lat is None) != (lon is None) or (lat is not None and not geo.valid_point(lat, lon)):
            self.add_error("lat", "Indiquez une latitude et une longitude valides, ou aucune.")
        if lat is not None and not data.get("radius_m"):
            self.add_error("radius_m", "Indiquez le rayon de la zone, en mètres.")
        if geometry:
            try:
                geo.bounds(geometry)
            except (KeyError, TypeError, ValueError, IndexError):
                self.add_error("geojson", "Indiquez un Polygon ou un MultiPolygon GeoJSON.")
        return data


@communication_required
def communication(request):
    """The news and alerts of the agent's collectivités, newest first, 20 a page each."""
    orgs = editable_organisations(request.user)
    news = News.objects.filter(organisation__in=orgs).select_related("organisation")
    alerts = Alert.objects.filter(organisation__in=orgs).select_related("organisation")
    return render(request, "backoffice/communication/list.html", {
        "news_page": Paginator(news.order_by("-publish_at", "-pk"), 20).get_page(
            request.GET.get("page")),
        "alerts_page": Paginator(alerts.order_by("-starts_at", "-pk"), 20).get_page(
            request.GET.get("alertes"))})


@communication_required
def news_edit(request, pk=None):
    orgs = editable_organisations(request.user)
    news = get_object_or_404(News, pk=pk, organisation__in=orgs) if pk else News()
    form = NewsForm(request.POST or None, request.FILES or None, instance=news, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = services.news_save(news=form.save(commit=False),
                                   topics=form.cleaned_data["topics"], acting_user=request.user)
        messages.success(request, f"L'actualité « {saved.title} » est enregistrée.")
        return redirect("backoffice:news_edit", pk=saved.pk)
    return render(request, "backoffice/communication/news_form.html",
                  {"form": form, "news": news})


@communication_required
@require_POST
def news_publication(request, pk):
    news = get_object_or_404(News, pk=pk, organisation__in=editable_organisations(request.user))
    try:
        if request.POST.get("action") == "unpublish":
            services.news_unpublish(news=news, acting_user=request.user)
            messages.success(request, "L'actualité est retirée du site.")
        else:
            services.news_publish(news=news, acting_user=request.user)
            messages.success(request, "L'actualité est publiée." if news.is_visible() else
                             "L'actualité est programmée.")
    except services.NewsError as error:
        messages.error(request, str(error))
    return redirect("backoffice:news_edit", pk=news.pk)


@communication_required
def alert_edit(request, pk=None):
    orgs = editable_organisations(request.user)
    alert = get_object_or_404(Alert, pk=pk, organisation__in=orgs) if pk else Alert()
    form = AlertForm(request.POST or None, instance=alert, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = services.alert_save(alert=form.save(commit=False),
                                    topics=form.cleaned_data["topics"], acting_user=request.user)
        messages.success(request, f"L'alerte « {saved.title} » est enregistrée.")
        return redirect("backoffice:alert_edit", pk=saved.pk)
    return render(request, "backoffice/communication/alert_form.html",
                  {"form": form, "alert": alert, "map": map_settings()})


@communication_required
@require_POST
def alert_publication(request, pk):
    alert = get_object_or_404(Alert, pk=pk, organisation__in=editable_organisations(request.user))
    try:
        if request.POST.get("action") == "unpublish":
            services.alert_unpublish(alert=alert, acting_user=request.user)
            messages.success(request, "L'alerte est retirée du site.")
        else:
            services.alert_publish(alert=alert, acting_user=request.user)
            messages.success(request, "L'alerte est publiée ; les abonnés de la zone sont "
                                      "prévenus.")
    except services.NewsError as error:
        messages.error(request, str(error))
    return redirect("backoffice:alert_edit", pk=alert.pk)
