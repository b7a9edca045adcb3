from django.contrib import admin

from .models import Event, Facility, Payment, PaymentLog, Tariff


class TariffInline(admin.TabularInline):
    model = Tariff
    extra = 0


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "capacity", "needs_approval", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TariffInline]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "starts_at", "places", "places_taken", "is_published"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["places_taken"]


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    """Read-only: payments change through the provider's callbacks only."""

    list_display = ["label", "amount_cents", "status", "refund_needed", "paid_at"]
    list_filter = ["status", "refund_needed"]
    readonly_fields = [f.name for f in Payment._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(PaymentLog)
class PaymentLogAdmin(admin.ModelAdmin):
    list_display = ["received_at", "reference", "outcome"]
    readonly_fields = [f.name for f in PaymentLog._meta.fields]

    def has_add_permission(self, request):
        return False
