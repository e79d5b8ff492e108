"""Admin: ratings and business scores are read-only here; they change through the rating pages and services,
which write the history (a score entered, a quarter computed, a decision taken)."""

from django.contrib import admin

from supplyesg.ratings.models import BusinessScore, Rating


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BusinessScore)
class BusinessScoreAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("supplier", "year", "quarter", "quality", "delivery", "cost", "service", "source", "updated_at")
    list_filter = ("year", "quarter", "source")
    search_fields = ("supplier__code", "supplier__legal_name")
    list_select_related = ("supplier",)


@admin.register(Rating)
class RatingAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "supplier",
        "year",
        "quarter",
        "business_score",
        "esg_score",
        "total",
        "grade",
        "recommended_action",
        "decision_status",
        "decided_action",
    )
    list_filter = ("year", "quarter", "grade", "decision_status")
    search_fields = ("supplier__code", "supplier__legal_name")
    list_select_related = ("supplier",)
