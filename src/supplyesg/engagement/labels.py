"""How engagement and training events read in a supplier's history."""

from django.utils.translation import gettext_lazy

ACTION_LABELS = {
    "training.assigned": gettext_lazy("Training assigned"),
    "training.completed": gettext_lazy("Training completed"),
    "training.cancelled": gettext_lazy("Training cancelled"),
    "course.created": gettext_lazy("Course created"),
    "course.material_added": gettext_lazy("Course material added"),
    "programme.created": gettext_lazy("Training programme created"),
    "session.scheduled": gettext_lazy("Training session scheduled"),
    "training_campaign.created": gettext_lazy("Training invitations prepared"),
    "training_campaign.opened": gettext_lazy("Training invitations sent"),
    "training_campaign.closed": gettext_lazy("Training invitations closed"),
    "training_campaign.sent_to_newcomers": gettext_lazy("Training invitations sent to newcomers"),
    "training_invitation.requested": gettext_lazy("Invited to a training"),
    "training_invitation.added": gettext_lazy("Added to training invitations"),
    "training_invitation.reminded": gettext_lazy("Training invitation reminder sent"),
    "training_invitation.registered": gettext_lazy("Participants registered for a training"),
    "training_invitation.declined": gettext_lazy("Training invitation declined"),
    "attendance.added": gettext_lazy("Training participant added"),
    "attendance.recorded": gettext_lazy("Training attendance recorded"),
    "attendance.imported": gettext_lazy("Training completions imported"),
    "training_feedback.submitted": gettext_lazy("Training survey answered"),
    "cascade_report.filed": gettext_lazy("Training cascade report filed"),
    "announcement.published": gettext_lazy("Announcement published"),
}
