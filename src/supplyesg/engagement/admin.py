"""Reference data (courses, materials, programmes) is edited here; records with an audit trail are read-only."""

from django.contrib import admin

from supplyesg.engagement.models import (
    Announcement,
    Attendance,
    CascadeReport,
    Course,
    CourseMaterial,
    Feedback,
    Programme,
    RequiredTraining,
    Session,
    TrainingCampaign,
)


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MaterialInline(admin.TabularInline):
    model = CourseMaterial
    extra = 0


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "language", "hours", "pass_mark", "is_active")
    search_fields = ("code", "title")
    filter_horizontal = ("requirements",)
    inlines = [MaterialInline]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("name", "year")
    filter_horizontal = ("courses",)


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ("course", "mode", "starts_at", "trainer", "capacity")
    list_select_related = ("course",)


@admin.register(TrainingCampaign)
class TrainingCampaignAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("name", "session", "status", "due_date")


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("person_name", "supplier", "course", "held_on", "status", "completed", "score", "passed")
    list_filter = ("status", "completed", "source")
    search_fields = ("person_name", "email", "supplier__legal_name")
    list_select_related = ("supplier", "course")


@admin.register(RequiredTraining)
class RequiredTrainingAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("supplier", "topic", "area", "due_date", "status")
    list_filter = ("status", "area")
    search_fields = ("supplier__legal_name", "topic")
    list_select_related = ("supplier",)


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("session", "supplier", "rating", "submitted_at")


@admin.register(CascadeReport)
class CascadeReportAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("supplier", "period_start", "period_end", "people_trained", "subtier_people_trained")


@admin.register(Announcement)
class AnnouncementAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("title", "published_at")
