from django.contrib import admin

from .models import ApiKey, Category, Photo, Report


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
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
class ReportAdmin(admin.ModelAdmin):
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
