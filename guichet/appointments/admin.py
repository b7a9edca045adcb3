from django.contrib import admin

from .models import Agenda, AppointmentType, OneOffOpening, OpeningRule, Place, Unavailability


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]


class OpeningRuleInline(admin.TabularInline):
    model = OpeningRule
    extra = 0


class OneOffOpeningInline(admin.TabularInline):
    model = OneOffOpening
    extra = 0


class UnavailabilityInline(admin.TabularInline):
    model = Unavailability
    extra = 0


class AppointmentTypeInline(admin.StackedInline):
    model = AppointmentType
    extra = 0
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Agenda)
class AgendaAdmin(admin.ModelAdmin):
    """Agendas, their motifs and opening hours: set up by administrators."""

    list_display = ["name", "unit", "place", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AppointmentTypeInline, OpeningRuleInline, OneOffOpeningInline,
               UnavailabilityInline]
