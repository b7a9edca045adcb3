from django.contrib import admin

from .models import Elimination, EliminationItem, RetentionRule


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    """Configured by the administrator with the archivist and the DPO; the daily
    `privacy_retention` job applies them and the register of processing shows them."""

    list_display = ["organisation", "kind", "procedure", "months", "action"]
    list_filter = ["organisation", "kind", "action"]
    list_select_related = ["organisation", "procedure"]


class EliminationItemInline(admin.TabularInline):
    model = EliminationItem
    extra = 0
    can_delete = False
    fields = ["reference", "label", "opened_on", "closed_on", "files", "volume", "rule"]
    readonly_fields = fields


@admin.register(Elimination)
class EliminationAdmin(admin.ModelAdmin):
    """Read-only here: the visa is given in the back-office, where it is journaled."""

    list_display = ["number", "organisation", "created_at", "status", "decided_by"]
    list_filter = ["status", "organisation"]
    inlines = [EliminationItemInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
