"""Where every policy number comes from, and the rules of the five seed policies the product carries.

A compliance team adopts SupplyESG to run *its* policy, so each default must be traceable: either to a seed
policy and its clause (`Source.policy_value` is the number or switch the policy gives), or to the product
(`PRODUCT_DEFAULT`: no policy gives a number; the default is ours and says so). The "Policy conformance" page
compares the current settings with these values; the admin form shows each field's source under it.

Plain data, no database: the tests check that every PolicySettings field has a source and that every default
conforms to its policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

ESG_MANUAL = _("ESG manual (Supply Chain ESG Management System)")
YILIAN = _("Yilian responsible-minerals due-diligence policy")
AIKO = _("AIKO supply-chain and labour policy")
ASUS = _("ASUS supplier engagement and evaluation")
ANKER = _("Anker sustainable supply-chain management")
# Law rather than a seed policy: the grievance channel's clocks and record keeping.
EU_WHISTLEBLOWING = _("EU Directive 2019/1937 on the protection of persons who report breaches")
LKSG = _("German Supply Chain Due Diligence Act (LkSG)")


@dataclass(frozen=True)
class Source:
    """`compare`: "eq" the setting must equal the policy's value; "min" at least it; "max" at most it."""

    seed: object | None = None  # one of the policy names above; None = product default
    clause: object = ""
    quote: str = ""  # the policy's own words, in its language
    policy_value: object = None
    compare: str = "eq"

    @property
    def is_product_default(self) -> bool:
        return self.seed is None

    def conforms(self, value) -> bool | None:
        """True/False against the policy's value; None where the policy gives no value to depart from."""
        if self.is_product_default or self.policy_value is None or value is None:
            return None
        if isinstance(self.policy_value, bool):
            return bool(value) == self.policy_value
        current, wanted = Decimal(str(value)), Decimal(str(self.policy_value))
        if self.compare == "min":
            return current >= wanted
        if self.compare == "max":
            return current <= wanted
        return current == wanted

    def label(self) -> str:
        if self.is_product_default:
            return str(PRODUCT_DEFAULT_LABEL)
        return f"{self.seed}, {self.clause}"


PRODUCT_DEFAULT_LABEL = _("product default (no seed policy gives a number)")


def product_default(why: str = "") -> Source:
    return Source(clause=why)


ESG_MANUAL_3 = 'ESG manual §3: "with a total weight of not less than 1%"'

SETTING_SOURCES: dict[str, Source] = {
    "grievance_acknowledge_days": Source(
        EU_WHISTLEBLOWING,
        _("art. 9(1)(b): acknowledgement of receipt within seven days"),
        "acknowledgment of receipt of the report to the reporting person within seven days of that receipt",
        7,
        "max",
    ),
    "grievance_feedback_months": Source(
        EU_WHISTLEBLOWING,
        _("art. 9(1)(f): feedback within three months of the acknowledgement"),
        "a reasonable timeframe to provide feedback, not exceeding three months from the acknowledgment of receipt",
        3,
        "max",
    ),
    "grievance_retention_years": Source(
        LKSG,
        _("§10(1): documentation kept for at least seven years"),
        "Die Dokumentation ist ab ihrer Erstellung mindestens sieben Jahre lang aufzubewahren.",
        7,
        "min",
    ),
    "grievance_retention_years_unfounded": product_default(),
    "grievance_review_min_cell": product_default(),
    "report_public_min_cell": product_default(),
    "document_expiry_warning_days": product_default(),
    "duplicate_name_threshold": product_default(),
    "smelter_prefill_score": product_default(),
    "profile_changes_need_approval": product_default(),
    "portal_invitation_hours": product_default(),
    "training_positive_from": product_default(
        _("ASUS reports the share of participants who were positive (over 90 %); that 4 or 5 of 5 counts is ours")
    ),
    "risk_weight_country": product_default(),
    "risk_weight_category": product_default(),
    "risk_weight_questionnaire": product_default(),
    "risk_weight_audit": product_default(),
    "risk_weight_grievances": product_default(),
    "risk_weight_minerals": product_default(),
    "risk_weight_documents": product_default(),
    "risk_medium_from": product_default(),
    "risk_high_from": product_default(),
    "onsite_audit_cycle_years": Source(
        ESG_MANUAL,
        _("§7 risk management: on-site audits of high-risk suppliers"),
        "For high-risk suppliers, we conduct on-site audits at least once every three years",
        3,
        "max",
    ),
    "show_scores_to_suppliers": product_default(),
    "annual_audit_tier1": Source(
        ESG_MANUAL,
        _("§3 evaluation: annual ESG audits of first-tier suppliers"),
        "We conduct ESG audits on first-tier suppliers and key sub-suppliers on an annual basis",
        True,
    ),
    "annual_audit_key": Source(
        ESG_MANUAL,
        _("§3 evaluation: annual ESG audits of key sub-suppliers (AIKO: annual on-site audits of key suppliers)"),
        "We conduct ESG audits on first-tier suppliers and key sub-suppliers on an annual basis",
        True,
    ),
    "audit_high_from_priority": product_default(),
    "audit_high_from_major": product_default(),
    "audit_medium_from_major": product_default(),
    "audit_medium_from_minor": product_default(),
    "cap_plan_days": product_default(),
    "cap_plan_days_priority": product_default(),
    "remediation_days_priority": product_default(),
    "remediation_days_major": product_default(),
    "remediation_days_minor": product_default(),
    "improvement_plan_months_medium": Source(
        ESG_MANUAL,
        _("§9 audit scoring, medium risk: improvement plan within 6 months"),
        "Reasonable improvement plans must be provided within 6 months, otherwise the above score will be -1.",
        6,
    ),
    "improvement_plan_months_high": Source(
        ESG_MANUAL,
        _("§9 audit scoring, high risk: improvement plan within 3 months"),
        "Reasonable improvement plans must be provided within 3 months for all audit non-conformities, otherwise, "
        "the order will be terminated.",
        3,
    ),
    "reminder_days_before_due": product_default(),
    "esg_weight_percent": Source(
        ESG_MANUAL,
        # xgettext:no-python-format
        _("§3 evaluation: ESG audit results weigh not less than 1 % of the business score (10 % is a product default)"),
        "By adding the ESG audit results of suppliers to the scoring factors of their operational business, with a "
        "total weight of not less than 1%",
        1,
        "min",
    ),
    "business_weight_quality": product_default(),
    "business_weight_delivery": product_default(),
    "business_weight_cost": product_default(),
    "business_weight_service": product_default(),
    "grade_a_from": product_default(),
    "grade_b_from": product_default(),
    "grade_c_from": product_default(),
    "second_factor_required_for_internal": product_default(),
    "esg_audit_lookback_months": Source(
        ESG_MANUAL,
        _("§3 evaluation: the ESG score comes from the annual ESG audit, so an audit result counts for 12 months"),
        "We conduct ESG audits on first-tier suppliers and key sub-suppliers on an annual basis",
        12,
        "min",
    ),
    "esg_score_from_risk_level": Source(
        ESG_MANUAL,
        _("§9 audit scoring: the quarterly ESG score is the audit result's (off: the risk level never stands in)"),
        "The score of ESG assessment for the supplier's quarterly rating is 1 / 0 / -1 (low / medium / high risk audit result)",
        False,
    ),
    "esg_low_risk_late_actions_lower_score": Source(
        ESG_MANUAL,
        _("§9 audit scoring, low risk: non-conformities closed within the time agreed by both parties"),
        "All audit non-conformities must be closed within the time frame of communication between both parties.",
        False,
    ),
    "audit_capacity_per_week": product_default(),
    "declaration_name_min_score": product_default(),
    "sanctions_min_score": product_default(),
    "trace_tolerance_percent": product_default(),
    "risk_minerals_grave_case": product_default(),
    "risk_minerals_plan_case": product_default(),
    "minerals_plan_review_months": Source(
        YILIAN,
        _("三 and 四 mitigation: a risk-management plan without effect after six months"),
        "如果风险管理计划实施六个月未起作用，我们将暂时中止或终止与上游供应商的合作。",
        6,
    ),
    "minerals_min_suspension_months": Source(
        YILIAN,
        _("四 mitigation: suspension of at least three months"),
        "企业应暂时停止或中断与供应商的合作，时间至少是三个月",
        3,
        "min",
    ),
}


@dataclass(frozen=True)
class Rule:
    """A rule of a seed policy and what carries it: settings (numbers an administrator may change) or the product."""

    key: str
    seed: object
    clause: object
    quote: str
    carried_by: object  # what the product does, in a sentence
    settings: tuple[str, ...] = ()


RULES: tuple[Rule, ...] = (
    Rule(
        "esg-annual-audits",
        ESG_MANUAL,
        _("§3 evaluation"),
        "We conduct ESG audits on first-tier suppliers and key sub-suppliers on an annual basis",
        _(
            "The yearly audit programme plans an ESG audit for every tier-1 supplier and key sub-supplier, from tomorrow "
            "on, spread over the year within the auditors' weekly capacity."
        ),
        ("annual_audit_tier1", "annual_audit_key", "audit_capacity_per_week"),
    ),
    Rule(
        "esg-weight",
        ESG_MANUAL,
        _("§3 evaluation"),
        "with a total weight of not less than 1%",
        # xgettext:no-python-format
        _("The quarterly total weighs the ESG score into the business score; a weight under 1 % is refused."),
        ("esg_weight_percent",),
    ),
    Rule(
        "esg-onsite-high-risk",
        ESG_MANUAL,
        _("§7 risk management"),
        "For high-risk suppliers, we conduct on-site audits at least once every three years, disclose the audit "
        "results, and provide corresponding training for those who are unqualified.",
        _(
            "High-risk suppliers get an on-site audit on the worklist and the programme; audit results are summarised for "
            "disclosure; unqualified suppliers can be assigned training."
        ),
        ("onsite_audit_cycle_years",),
    ),
    Rule(
        "esg-score-levels",
        ESG_MANUAL,
        _("§9 audit scoring"),
        "Low risk: 1. Medium risk: 0. High risk: -1.",
        _(
            "The quarterly ESG score is 1, 0 or -1 from the supplier's latest audit result; without one the total is the "
            'business score alone, flagged "no ESG result".'
        ),
        ("esg_audit_lookback_months", "esg_score_from_risk_level", "esg_weight_percent"),
    ),
    Rule(
        "esg-medium-plan",
        ESG_MANUAL,
        _("§9 audit scoring, medium risk"),
        "Conditionally accepted. Reasonable improvement plans must be provided within 6 months, otherwise the above "
        "score will be -1.",
        _(
            "A medium audit result makes the supplier conditionally accepted; a plan not accepted in time turns the ESG "
            "score to -1."
        ),
        ("improvement_plan_months_medium",),
    ),
    Rule(
        "esg-high-plan",
        ESG_MANUAL,
        _("§9 audit scoring, high risk"),
        "Reasonable improvement plans must be provided within 3 months for all audit non-conformities, otherwise, the "
        "order will be terminated.",
        _("When the high-risk window passes without an accepted plan, orders stop until procurement decides."),
        ("improvement_plan_months_high",),
    ),
    Rule(
        "esg-low-close",
        ESG_MANUAL,
        _("§9 audit scoring, low risk"),
        "All audit non-conformities must be closed within the time frame of communication between both parties.",
        _(
            "The supplier proposes each completion date in its plan and the auditor agrees it; the remediation periods "
            "are suggestions."
        ),
        (
            "remediation_days_priority",
            "remediation_days_major",
            "remediation_days_minor",
            "esg_low_risk_late_actions_lower_score",
        ),
    ),
    Rule(
        "aiko-grades",
        AIKO,
        _("Performance evaluation and incentives"),
        "Grade A: increase supply proportion; B: maintain; C: corrective actions with support; D: terminate cooperation",
        _("Each quarterly grade recommends its action; procurement confirms or overrides it; a confirmed D stops orders."),
        ("grade_a_from", "grade_b_from", "grade_c_from"),
    ),
    Rule(
        "aiko-admission",
        AIKO,
        _("Admission: basic qualification review, dual certification, contract and agreement signing"),
        "Sign framework agreements ..., non-disclosure agreements, and integrity agreements.",
        _(
            "Approval needs the qualification review, certification and the framework, non-disclosure and integrity "
            "agreements signed."
        ),
    ),
    Rule(
        "aiko-rohs-reach",
        AIKO,
        _("Our targets: battery modules"),
        "provide at least one RoHS and REACH report annually",
        _("Suppliers of battery modules owe a yearly RoHS/REACH report; approval needs it or a recorded waiver."),
    ),
    Rule(
        "aiko-blacklist",
        AIKO,
        _("Exit: supplier blacklist mechanism"),
        "false materials, counterfeit products, safety accidents, quality issues, environmental incidents, or "
        "commercial bribery ... temporary or permanent ban",
        _("The blacklist records one of these reasons, temporary or permanent; a blacklisted supplier cannot be ordered from."),
    ),
    Rule(
        "aiko-tin-origin",
        AIKO,
        _("Conflict mineral due diligence"),
        "requiring them to provide a “Source Mineral Declaration” ... and “Country of Origin Certificate.”",
        _("Tin-containing material suppliers owe an origin declaration every year and a CMRT."),
    ),
    Rule(
        "asus-annual-risk",
        ASUS,
        _("Supplier classification system"),
        "we actively implement annual risk identification on suppliers for all tiers",
        _("The risk assessment runs every year for every supplier of every tier."),
        ("risk_medium_from", "risk_high_from"),
    ),
    Rule(
        "asus-qbr",
        ASUS,
        _("Sustainable management evaluation"),
        "The results on audit and annual survey will be included in the QBR ... We would decrease the amount of orders "
        "for bad suppliers when increase for good ones.",
        _("The QBR export carries the latest audit result, the self-assessment score and the recommended allocation."),
    ),
    Rule(
        "anker-cmrt",
        ANKER,
        _("Conflict minerals statement"),
        "Anker uses Conflict Minerals Reporting Template (CMRT) / Extended Minerals Reporting Template (EMRT)",
        _("CMRT and EMRT campaigns collect, check and aggregate suppliers' smelters."),
    ),
    Rule(
        "yilian-immediate",
        YILIAN,
        _("一, 二, 五, 六 mitigation"),
        "我们将立即中止或终止与该供应商的合作。",
        _("Opening a case of these types suspends trade at once; procurement confirms termination or lifts it."),
    ),
    Rule(
        "yilian-security-forces",
        YILIAN,
        _("三 mitigation"),
        "如果风险管理计划实施六个月未起作用，我们将暂时中止或终止与上游供应商的合作。",
        _("A risk-management plan at once; no measurable improvement at the review means suspension or termination."),
        ("minerals_plan_review_months",),
    ),
    Rule(
        "yilian-bribery",
        YILIAN,
        _("四 mitigation"),
        "时间至少是三个月，并在暂时中止合作的同时对风险管理计划进行修订，阐明贸易关系恢复之前改进工作所应达到的绩效目标。",
        _("A failed review suspends trade for at least the minimum; trade resumes only with a revised plan with targets."),
        ("minerals_plan_review_months", "minerals_min_suspension_months"),
    ),
    Rule(
        "yilian-additional-assessment",
        YILIAN,
        _("四 mitigation: additional risk assessment"),
        "对采用风险管理计划后需要降低的风险，企业应额外进行风险评估。",
        _(
            "An open minerals risk case raises the supplier's minerals risk factor; opening a case or adopting its plan "
            "re-assesses the supplier at once."
        ),
        ("risk_minerals_grave_case", "risk_minerals_plan_case"),
    ),
    Rule(
        "yilian-sanctions",
        YILIAN,
        _("Policy statement"),
        "承诺遵守联合国相关制裁决议",
        _("Suppliers, sites and smelters are screened against the loaded UN sanctions list."),
    ),
)


@dataclass(frozen=True)
class SettingRow:
    field: str
    label: str
    value: object
    source: Source
    conforms: bool | None  # None: no policy value to depart from


@dataclass(frozen=True)
class RuleRow:
    rule: Rule
    settings: tuple[SettingRow, ...]

    @property
    def departs(self) -> bool:
        return any(s.conforms is False for s in self.settings)


def setting_rows(current, labels: dict[str, str]) -> list[SettingRow]:
    """Every setting with its current value and whether it departs from its policy."""
    rows = []
    for field, label in labels.items():
        source = SETTING_SOURCES.get(field, product_default())
        value = getattr(current, field)
        rows.append(SettingRow(field, label, value, source, source.conforms(value)))
    return rows


def conformance(current, labels: dict[str, str]) -> list[RuleRow]:
    by_field = {row.field: row for row in setting_rows(current, labels)}
    return [RuleRow(rule, tuple(by_field[f] for f in rule.settings if f in by_field)) for rule in RULES]
