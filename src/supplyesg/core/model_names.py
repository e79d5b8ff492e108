"""Translated names of the record types history lines talk about ("supplier 1480", "审核 171").

Django makes a model's default verbose name from its class name, in English and outside the message catalogue; the
history renderer asks here first so every type reads in the reader's language. A model that sets its own
`verbose_name` in Meta needs no entry.
"""

from django.utils.translation import gettext_lazy as _

MODEL_NAMES = {
    "core.user": _("user"),
    "core.auditevent": _("audit event"),
    "core.apitoken": _("API token"),
    "core.loginfailure": _("login failure"),
    "core.passwordresetrequest": _("password reset request"),
    "core.job": _("job"),
    "core.counter": _("counter"),
    "core.notification": _("notification"),
    "suppliers.category": _("category"),
    "suppliers.supplier": _("supplier"),
    "suppliers.supplylink": _("supply link"),
    "suppliers.contact": _("contact"),
    "suppliers.site": _("site"),
    "suppliers.duplicatedecision": _("duplicate decision"),
    "suppliers.profilechangerequest": _("profile change request"),
    "suppliers.document": _("document"),
    "suppliers.documentrule": _("document rule"),
    "suppliers.documentwaiver": _("document waiver"),
    "suppliers.blacklistentry": _("blacklist entry"),
    "suppliers.qualificationitem": _("qualification item"),
    "suppliers.certification": _("certification"),
    "suppliers.agreementtype": _("agreement type"),
    "suppliers.signedagreement": _("signed agreement"),
    "suppliers.exitrecord": _("exit record"),
    "suppliers.terminationcase": _("termination case"),
    "suppliers.suspension": _("suspension"),
    "suppliers.sanctionslist": _("sanctions list"),
    "suppliers.sanctionslistversion": _("sanctions list version"),
    "suppliers.sanctionsentry": _("sanctions entry"),
    "suppliers.sanctionshit": _("sanctions hit"),
    "minerals.smelterlistload": _("smelter list load"),
    "minerals.smelter": _("smelter"),
    "minerals.smelteralias": _("smelter alias"),
    "minerals.rmapstatusupload": _("RMAP status upload"),
    "minerals.rmapstatus": _("RMAP status"),
    "minerals.riskcountry": _("risk country"),
    "minerals.campaign": _("campaign"),
    "minerals.submissionrequest": _("submission request"),
    "minerals.submission": _("submission"),
    "minerals.declarationnamefinding": _("declaration name finding"),
    "minerals.submissionsmelter": _("submission smelter"),
    "minerals.smelterreview": _("smelter review"),
    "minerals.companydeclaration": _("company declaration"),
    "minerals.riskcase": _("risk case"),
    "minerals.riskcasestep": _("risk case step"),
    "minerals.caseproposaldismissal": _("case proposal dismissal"),
    "assessments.requirementcatalogue": _("requirement catalogue"),
    "assessments.requirement": _("requirement"),
    "assessments.questionnairetemplate": _("questionnaire template"),
    "assessments.section": _("section"),
    "assessments.question": _("question"),
    "assessments.questionnairecampaign": _("questionnaire campaign"),
    "assessments.response": _("response"),
    "assessments.answer": _("answer"),
    "assessments.countryrisk": _("country risk"),
    "assessments.categoryrisk": _("category risk"),
    "assessments.riskassessment": _("risk assessment"),
    "assessments.worklistitem": _("worklist item"),
    "audits.audit": _("audit"),
    "audits.checklistitem": _("checklist item"),
    "audits.finding": _("finding"),
    "audits.auditfile": _("audit file"),
    "audits.correctiveaction": _("corrective action"),
    "ratings.businessscore": _("business score"),
    "ratings.rating": _("rating"),
    "ratings.improvementaction": _("improvement action"),
    "engagement.requiredtraining": _("required training"),
    "engagement.course": _("course"),
    "engagement.programme": _("training programme"),
    "engagement.session": _("training session"),
    "engagement.trainingcampaign": _("training invitations"),
    "engagement.invitation": _("training invitation"),
    "engagement.attendance": _("training attendance"),
    "engagement.feedback": _("training survey answer"),
    "engagement.cascadereport": _("cascade report"),
    "engagement.announcement": _("announcement"),
}


def loaded_or_id(instance, field: str, attr: str = "name", prefix: str = "#") -> str:
    """For a record's label: its related `field` object's `attr` when that object is already loaded (the services
    that record an event hold it), else `prefix` and the id. A label never runs a query."""
    related = instance._meta.get_field(field).get_cached_value(instance, None)
    return getattr(related, attr, "") or f"{prefix}{getattr(instance, field + '_id')}"
