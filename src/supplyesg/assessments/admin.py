"""Admin: catalogues and templates are read-only (they change by loading or importing a new version, so
answers keep pointing at what was asked); country and category risk are editable, and every edit is audited.
"""

from django.contrib import admin

from supplyesg.assessments.models import (
    Answer,
    CategoryRisk,
    CountryRisk,
    Question,
    QuestionnaireCampaign,
    QuestionnaireTemplate,
    Requirement,
    RequirementCatalogue,
    Response,
    RiskAssessment,
    Section,
    WorklistItem,
)
from supplyesg.core import audit


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RequirementInline(ReadOnlyMixin, admin.TabularInline):
    model = Requirement
    fields = ("code", "framework", "title", "title_zh", "pillar", "risk_category")
    show_change_link = True


@admin.register(RequirementCatalogue)
class RequirementCatalogueAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("code", "version", "title", "published_on", "loaded_at", "is_current")
    list_filter = ("is_current",)
    search_fields = ("code", "version", "title")
    inlines = [RequirementInline]


@admin.register(Requirement)
class RequirementAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("code", "title", "title_zh", "framework", "pillar", "risk_category", "catalogue")
    list_filter = ("catalogue", "framework", "pillar", "risk_category")
    search_fields = ("code", "title", "title_zh", "guidance", "guidance_zh")
    list_select_related = ("catalogue",)


class SectionInline(ReadOnlyMixin, admin.TabularInline):
    model = Section
    fields = ("order", "code", "title", "title_zh")
    show_change_link = True


class QuestionInline(ReadOnlyMixin, admin.StackedInline):
    model = Question
    fields = (("order", "code", "kind", "required", "weight"), "text", "text_zh", ("help", "help_zh"), "unit",
              "choices", "scoring", ("critical", "knockout_values", "knockout_level"),
              ("show_if_code", "show_if_values"), "requirements")


@admin.register(QuestionnaireTemplate)
class QuestionnaireTemplateAdmin(admin.ModelAdmin):
    """Only `is_active` can change: it decides whether new campaigns may use the version."""

    list_display = ("code", "version", "title", "title_zh", "is_active", "created_at")
    list_filter = ("is_active", "code")
    search_fields = ("code", "title", "title_zh")
    readonly_fields = ("code", "version", "title", "title_zh", "description", "description_zh", "created_at")
    inlines = [SectionInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if "is_active" in form.changed_data:
            audit.record(actor=request.user, action="questionnaire_template.updated", target=obj,
                         changes={"is_active": [not obj.is_active, obj.is_active]})
        super().save_model(request, obj, form, change)


@admin.register(Section)
class SectionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("code", "title", "template", "order")
    list_filter = ("template",)
    search_fields = ("code", "title", "title_zh")
    inlines = [QuestionInline]


@admin.register(Question)
class QuestionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("code", "kind", "text", "required", "weight", "critical", "section")
    list_filter = ("section__template", "kind", "critical", "required")
    search_fields = ("code", "text", "text_zh")
    list_select_related = ("section",)


class AuditedRiskAdmin(admin.ModelAdmin):
    """Risk inputs change the suppliers' risk levels, so each change lands in the audit trail."""

    audited_fields: tuple = ()

    def save_model(self, request, obj, form, change):
        before = {}
        if change:
            before = audit.snapshot(type(obj).objects.get(pk=obj.pk), self.audited_fields)
        super().save_model(request, obj, form, change)
        changes = audit.diff(before, audit.snapshot(obj, self.audited_fields))
        if changes:
            action = f"{obj._meta.model_name}.{'updated' if change else 'created'}"
            audit.record(actor=request.user, action=action, target=obj, changes=changes, reason="admin")

    def delete_model(self, request, obj):
        audit.record(actor=request.user, action=f"{obj._meta.model_name}.deleted", target=obj,
                     changes=audit.diff(audit.snapshot(obj, self.audited_fields), {}), reason="admin")
        super().delete_model(request, obj)


@admin.register(CountryRisk)
class CountryRiskAdmin(AuditedRiskAdmin):
    list_display = ("country", "score", "as_of", "source")
    search_fields = ("country", "source")
    list_filter = ("as_of",)
    audited_fields = ("country", "score", "source", "as_of")


@admin.register(CategoryRisk)
class CategoryRiskAdmin(AuditedRiskAdmin):
    list_display = ("category", "score", "rationale")
    search_fields = ("category__code", "category__name", "category__name_zh")
    list_select_related = ("category",)
    audited_fields = ("category", "score", "rationale")


@admin.register(QuestionnaireCampaign)
class QuestionnaireCampaignAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("name", "template", "status", "due_date", "created_at")
    list_filter = ("status",)
    search_fields = ("name",)


class AnswerInline(ReadOnlyMixin, admin.TabularInline):
    model = Answer
    fields = ("question", "value", "evidence_name", "needs_work", "reviewer_comment")


@admin.register(Response)
class ResponseAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("campaign", "supplier", "status", "submitted_at", "reviewed_at")
    list_filter = ("status", "campaign")
    search_fields = ("supplier__code", "supplier__legal_name")
    list_select_related = ("campaign", "supplier")
    inlines = [AnswerInline]


@admin.register(RiskAssessment)
class RiskAssessmentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("supplier", "year", "kind", "overall_score", "computed_level", "override_level",
                    "is_current")
    list_filter = ("year", "computed_level", "override_level", "is_current", "kind")
    search_fields = ("supplier__code", "supplier__legal_name")
    list_select_related = ("supplier",)


@admin.register(WorklistItem)
class WorklistItemAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("supplier", "year", "kind", "status", "created_at")
    list_filter = ("kind", "status", "year")
    search_fields = ("supplier__code", "supplier__legal_name")
    list_select_related = ("supplier",)
