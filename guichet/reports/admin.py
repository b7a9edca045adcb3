from django.contrib import admin

from guichet.lib.public_cache import public_pages_changed

from .models import ApiKey, Category, Photo, Report


class ChangesPublicPages:
    """What is edited here shows on the cached public pages (Open311, the map)."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        public_pages_changed("reports")

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        public_pages_changed("reports")

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        public_pages_changed("reports")


@admin.register(Category)
class CategoryAdmin(ChangesPublicPages, admin.ModelAdmin):
    list_display = ["full_name", "service_code", "competence_topic", "is_public",
                    "moderate_photos", "is_active"]
    list_filter = ["is_active", "is_public", "parent"]
    search_fields = ["name", "service_code", "keywords"]
    prepopulated_fields = {"service_code": ["name"]}
    list_select_related = ["parent"]


class PhotoInline(admin.TabularInline):
    model = Photo
    extra = 0
    fields = ["kind", "width", "height", "is_moderated", "created_at"]
    readonly_fields = ["kind", "width", "height", "created_at"]


@admin.register(Report)
class ReportAdmin(ChangesPublicPages, admin.ModelAdmin):
    """Reports are changed through the back-office; here only photo moderation."""

    list_display = ["case", "category", "commune", "created_at", "followers_count"]
    list_filter = ["category", "commune"]
    search_fields = ["case__reference", "address"]
    list_select_related = ["case", "category", "category__parent", "commune"]
    readonly_fields = [f.name for f in Report._meta.fields]
    inlines = [PhotoInline]

    def has_add_permission(self, request):
        return False


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "contact_email", "is_active", "requests_per_minute", "last_used_at"]
    readonly_fields = ["key", "created_at", "last_used_at"]
    fields = ["name", "contact_email", "is_active", "requests_per_minute", "key", "created_at",
              "last_used_at"]
