from django.contrib import admin

from supplyesg.reporting.models import DisclosureCatalogue, LineItem


class LineItemInline(admin.TabularInline):
    model = LineItem
    extra = 0
    fields = ("order", "code", "framework", "title", "title_zh", "unit", "computation", "public")


@admin.register(DisclosureCatalogue)
class DisclosureCatalogueAdmin(admin.ModelAdmin):
    list_display = ("version", "title", "is_current", "loaded_at")
    inlines = [LineItemInline]
