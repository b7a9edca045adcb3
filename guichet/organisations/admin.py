from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from .models import (
    Boundary,
    Closure,
    Competence,
    ElectedOfficial,
    OpeningPeriod,
    Organisation,
    Unit,
)
from .services import boundary_set


class OpeningPeriodInline(admin.TabularInline):
    model = OpeningPeriod
    extra = 0


class ClosureInline(admin.TabularInline):
    model = Closure
    extra = 0


class CompetenceInline(admin.TabularInline):
    model = Competence
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "insee_code", "epci", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "insee_code", "postcodes", "siren"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OpeningPeriodInline, ClosureInline, CompetenceInline]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "email", "first_response_hours", "resolution_hours",
                    "is_contactable", "is_active"]
    list_filter = ["organisation", "is_contactable", "is_active"]
    search_fields = ["name", "organisation__name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ElectedOfficial)
class ElectedOfficialAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "role", "organisation", "is_contactable"]
    list_filter = ["organisation", "is_contactable"]
    search_fields = ["last_name", "first_name", "delegation"]
    autocomplete_fields = ["handling_unit"]


class BoundaryForm(forms.ModelForm):
    class Meta:
        model = Boundary
        fields = ["organisation", "geojson"]

    def clean_geojson(self):
        from guichet.lib.geo import bounds

        value = self.cleaned_data["geojson"]
        try:
            bounds(value.get("geometry", value) if isinstance(value, dict) else {})
        except (KeyError, TypeError, IndexError, ValueError) as exc:
            raise ValidationError("Contour illisible : collez un GeoJSON Polygon ou "
                                  "MultiPolygon en WGS84.") from exc
        return value


@admin.register(Boundary)
class BoundaryAdmin(admin.ModelAdmin):
    form = BoundaryForm
    list_display = ["organisation", "min_lat", "min_lon", "max_lat", "max_lon"]

    def save_model(self, request, obj, form, change):
        saved = boundary_set(organisation=form.cleaned_data["organisation"],
                             geojson=form.cleaned_data["geojson"])
        obj.pk = saved.pk
