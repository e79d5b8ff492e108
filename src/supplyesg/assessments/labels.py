"""How questionnaire and risk-catalogue events read in the history (registered with core.history from apps.py)."""

from django.utils.translation import gettext_lazy

ACTION_LABELS = {
    "category_risk.created": gettext_lazy("Category risk added"),
    "country_risk.created": gettext_lazy("Country risk added"),
    "country_risk.updated": gettext_lazy("Country risk updated"),
    "requirement_catalogue.loaded": gettext_lazy("Requirement catalogue loaded"),
    "requirement_catalogue.superseded": gettext_lazy("Requirement catalogue replaced by a newer version"),
    "questionnaire_template.imported": gettext_lazy("Questionnaire imported"),
    "questionnaire_template.updated": gettext_lazy("Questionnaire changed"),
    "questionnaire_campaign.created": gettext_lazy("Questionnaire campaign created"),
    "questionnaire_campaign.opened": gettext_lazy("Questionnaire campaign opened"),
    "questionnaire_campaign.closed": gettext_lazy("Questionnaire campaign closed"),
    "questionnaire_campaign.sent_to_newcomers": gettext_lazy("Questionnaire campaign sent to suppliers new in its scope"),
    "questionnaire_response.added": gettext_lazy("Supplier added to a questionnaire campaign"),
    "questionnaire_response.requested": gettext_lazy("Questionnaire sent to the supplier"),
    "questionnaire_response.reminded": gettext_lazy("Questionnaire reminder sent"),
    "questionnaire_response.saved": gettext_lazy("Questionnaire draft saved"),
    "questionnaire_response.submitted": gettext_lazy("Questionnaire submitted"),
    "questionnaire_response.scored": gettext_lazy("Questionnaire scored"),
    "questionnaire_response.accepted": gettext_lazy("Questionnaire accepted"),
    "questionnaire_response.returned": gettext_lazy("Questionnaire returned for rework"),
}
