from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from .models import Event, Facility, FacilityClosure, FacilityPhoto, Payment, PaymentLog, Tariff
from .services import BookingRefused, facility_photo_add


class TariffInline(admin.TabularInline):
    model = Tariff
    extra = 0


class PhotoForm(forms.ModelForm):
    """A new photo goes through the same processing as residents' photos (no metadata)."""

    class Meta:
        model = FacilityPhoto
        fields = ["image", "alt", "order"]

    def clean_image(self):
        from guichet.lib.images import process_photo

        image = self.cleaned_data.get("image")
        if image and not self.instance.pk:
            try:
                process_photo(image)
            except ValueError as exc:
                raise ValidationError(str(exc)) from exc
        return image

    def save(self, commit=True):
        if self.instance.pk or "image" not in self.changed_data:
            return super().save(commit)
        facility = self.cleaned_data.get("facility") or self.instance.facility
        try:
            return facility_photo_add(facility=facility, upload=self.cleaned_data["image"],
                                      alt=self.cleaned_data["alt"])
        except BookingRefused as exc:  # checked in clean_image already
            raise ValidationError(str(exc)) from exc


class PhotoInline(admin.TabularInline):
    model = FacilityPhoto
    form = PhotoForm
    extra = 0


class ClosureInline(admin.TabularInline):
    model = FacilityClosure
    extra = 0


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "capacity", "needs_approval", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TariffInline, PhotoInline, ClosureInline]


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
