from django.contrib import admin

from .models import Closure, Competence, ElectedOfficial, OpeningPeriod, Organisation, Unit


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
    search_fields = ["name", "insee_code", "siren"]
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
