from django.contrib import admin

from supplyesg.suppliers.models import AgreementType, Category, DocumentRule, SanctionsListVersion, Supplier


class DocumentRuleInline(admin.TabularInline):
    model = DocumentRule
    extra = 1


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_zh", "minerals")
    search_fields = ("code", "name", "name_zh")
    filter_horizontal = ("required_agreements",)
    inlines = [DocumentRuleInline]


@admin.register(AgreementType)
class AgreementTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "version", "required_for_all")


@admin.register(Supplier)
class SupplierAdmin(admin.ModelAdmin):
    """Read-mostly: suppliers change through the audited pages, not the admin."""

    list_display = ("code", "legal_name", "country", "tier", "status")
    search_fields = ("code", "legal_name", "local_name", "registration_id")
    list_filter = ("status", "tier")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SanctionsListVersion)
class SanctionsListVersionAdmin(admin.ModelAdmin):
    """Read-only history of loaded sanctions lists; lists are loaded on Sanctions → Lists or with sanctions_load."""

    list_display = ("sanctions_list", "version", "entry_count", "is_current", "file_name", "loaded_at", "loaded_by")
    list_filter = ("sanctions_list", "is_current")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
