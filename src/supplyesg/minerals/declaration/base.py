"""Texts, limits and the layout of the company's own declaration per template (CMRT, EMRT, AMRT)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from supplyesg.core.errors import RuleViolation
from supplyesg.minerals.cmrt import layouts as L

MIN_YEAR, MAX_YEAR = 2000, 2100
COMPANY_FIELDS = (
    "company_name",
    "scope",
    "scope_description",
    "company_id",
    "company_id_authority",
    "address",
    "contact_name",
    "contact_email",
    "contact_phone",
    "authorizer_name",
    "authorizer_title",
    "authorizer_email",
    "authorizer_phone",
    "effective_date",
    "policy_url",
)
COMPANY_FIELD_LABELS = {
    "company_name": gettext_lazy("Company name"),
    "scope": gettext_lazy("Declaration scope"),
    "scope_description": gettext_lazy("Description of scope"),
    "company_id": gettext_lazy("Company unique ID"),
    "company_id_authority": gettext_lazy("Company unique ID authority"),
    "address": gettext_lazy("Address"),
    "contact_name": gettext_lazy("Contact name"),
    "contact_email": gettext_lazy("Contact e-mail"),
    "contact_phone": gettext_lazy("Contact phone"),
    "authorizer_name": gettext_lazy("Authorizer"),
    "authorizer_title": gettext_lazy("Authorizer's title"),
    "authorizer_email": gettext_lazy("Authorizer e-mail"),
    "authorizer_phone": gettext_lazy("Authorizer phone"),
    "effective_date": gettext_lazy("Effective date"),
    "policy_url": gettext_lazy("Sourcing policy URL (question B)"),
}
REQUIRED_FIELDS = (
    "company_name",
    "scope",
    "contact_name",
    "contact_email",
    "contact_phone",
    "authorizer_name",
    "authorizer_email",
)
SCOPES = (
    ("A", gettext_lazy("A. Company")),
    ("B", gettext_lazy("B. Product (or list of products)")),
    ("C", gettext_lazy("C. User defined (describe the scope)")),
)
QUESTION_TEXT = {
    "intentional": gettext_lazy(
        "Is any of the metal intentionally added or used in the product(s) or in the production process?"
    ),
    "remains": gettext_lazy("Does any of the metal remain in the product(s)?"),
    "covered_countries": gettext_lazy("Do any of the smelters in your supply chain source the metal from the covered countries?"),
    "cahra": gettext_lazy(
        "Do any of the smelters in your supply chain source the metal from conflict-affected and high-risk areas?"
    ),
    "recycled": gettext_lazy("Does 100 percent of the metal originate from recycled or scrap sources?"),
    "responded": gettext_lazy("What percentage of relevant suppliers have provided a response to your supply chain survey?"),
    "all_identified": gettext_lazy("Have you identified all of the smelters supplying the metal to your supply chain?"),
    "all_reported": gettext_lazy(
        "Has all applicable smelter information received by your company been reported in this declaration?"
    ),
}
COMPANY_QUESTION_TEXT = {
    "A": gettext_lazy("Have you established a responsible minerals sourcing policy?"),
    "B": gettext_lazy("Is your responsible minerals sourcing policy publicly available on your website? (Give the URL.)"),
    "C": gettext_lazy(
        "Do you require your direct suppliers to source from smelters whose due diligence practices "
        "have been validated by an independent third-party audit program?"
    ),
    "D": gettext_lazy("Have you implemented due diligence measures for responsible sourcing?"),
    "E": gettext_lazy("Does your company conduct a minerals survey of your relevant suppliers?"),
    "F": gettext_lazy(
        "Do you review due diligence information received from your suppliers against your company's expectations?"
    ),
    "G": gettext_lazy("Does your review process include corrective action management?"),
    "H": gettext_lazy("Is your company required to file an annual conflict minerals disclosure?"),
}
MAX_DECLARED_MINERALS = 10  # the AMRT (and EMRT 2.x) "minerals in scope" slots


# The templates a company writes its own declaration in (a CRT is only received from suppliers).
DECLARED_LAYOUTS = {"CMRT": L.CMRT6, "EMRT": L.EMRT2, "AMRT": L.AMRT13}
DECLARED_TEMPLATES = tuple(DECLARED_LAYOUTS)


def layout_for(template: str) -> L.Layout:
    """The layout of the latest supported version: the one the company's declaration is written in."""
    if template not in DECLARED_LAYOUTS:
        raise RuleViolation(_("template: %(value)s is not CMRT, EMRT or AMRT.") % {"value": template})
    return DECLARED_LAYOUTS[template]


def offered_minerals(template: str) -> tuple[str, ...]:
    """The minerals the company may declare: the template's rows, or (AMRT) those campaigns may ask."""
    from supplyesg.minerals.campaigns.services import MINERALS_BY_TEMPLATE

    layout = layout_for(template)
    return tuple(MINERALS_BY_TEMPLATE.get(template, ())) if layout.open_minerals else layout.metals


def blank_template_setting(template: str) -> str | None:
    """The blank RMI template configured for the family (SUPPLYESG_CMRT_TEMPLATE / _EMRT_TEMPLATE)."""
    return getattr(settings, f"SUPPLYESG_{template}_TEMPLATE", None) or None


def response_bucket(received: int, requested: int) -> str:
    """The template's answer to "what share of relevant suppliers responded"; '' when nobody was asked."""
    if not requested:
        return ""
    if received >= requested:
        return "100%"
    share = received / requested
    for threshold, answer in (
        (0.9, "Greater than 90%"),
        (0.75, "Greater than 75%"),
        (0.5, "Greater than 50%"),
    ):
        if share > threshold:
            return answer
    return "50% or less" if received else "None"
