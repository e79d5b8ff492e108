"""Questionnaire templates built with the ORM, so tests never depend on the shipped data files.

`make_template()` gives a two-section template with every question kind, a conditional question and a
knock-out question, each mapped to a requirement with a pillar and a risk category.
"""

import datetime as dt
import itertools
from decimal import Decimal

from supplyesg.assessments.models import (
    Answer,
    Question,
    QuestionnaireCampaign,
    QuestionnaireTemplate,
    Requirement,
    RequirementCatalogue,
    Response,
    Section,
)

_seq = itertools.count(1)
K = Question.Kind


def make_requirement(code=None, pillar="S", risk_category="labour", catalogue=None, **kwargs) -> Requirement:
    n = next(_seq)
    if catalogue is None:
        catalogue, _created = RequirementCatalogue.objects.get_or_create(
            code="test-code", version="1", defaults={"title": "Test code of conduct", "is_current": True}
        )
    kwargs.setdefault("title", f"Requirement {n}")
    kwargs.setdefault("title_zh", f"要求 {n}")
    kwargs.setdefault("framework", "RBA")
    return Requirement.objects.create(
        catalogue=catalogue,
        code=code or f"REQ-{n}",
        pillar=pillar,
        risk_category=risk_category,
        order=n,
        **kwargs,
    )


def make_question(section, code, kind=K.YES_NO, requirements=(), **kwargs) -> Question:
    kwargs.setdefault("order", section.questions.count() + 1)
    kwargs.setdefault("text", f"Question {code}?")
    kwargs.setdefault("text_zh", f"问题 {code}？")
    if kind == K.YES_NO:
        kwargs.setdefault("scoring", {"yes": 100, "no": 0})
    question = Question.objects.create(section=section, code=code, kind=kind, **kwargs)
    if requirements:
        question.requirements.set(requirements)
    return question


def make_section(template, code, **kwargs) -> Section:
    kwargs.setdefault("order", template.sections.count() + 1)
    kwargs.setdefault("title", f"Section {code}")
    kwargs.setdefault("title_zh", f"部分 {code}")
    return Section.objects.create(template=template, code=code, **kwargs)


def make_empty_template(**kwargs) -> QuestionnaireTemplate:
    n = next(_seq)
    kwargs.setdefault("code", f"saq-{n}")
    kwargs.setdefault("version", "1.0")
    kwargs.setdefault("title", "Supplier self-assessment")
    kwargs.setdefault("title_zh", "供应商自评问卷")
    return QuestionnaireTemplate.objects.create(**kwargs)


def make_template(**kwargs) -> QuestionnaireTemplate:
    """Sections MS (management system, environment) and LAB (labour) with every kind of question.

    Required questions: MS-1, MS-2, MS-4, MS-5, LAB-1, and LAB-2 when LAB-1 is "yes" (it is shown only then).
    LAB-1 "yes" (child labour found) is a knock-out to high risk.
    """
    template = make_empty_template(**kwargs)
    ms_req = make_requirement(pillar="G", risk_category="management_system", title="Management system")
    env_req = make_requirement(pillar="E", risk_category="environment", title="Environmental permits")
    child_req = make_requirement(
        code=f"ILO-C138-{template.pk}",
        pillar="S",
        risk_category="labour",
        title="Minimum age",
        framework="ILO",
    )
    ms = make_section(template, "MS", title="Management system", title_zh="管理体系")
    make_question(
        ms,
        "MS-1",
        K.YES_NO,
        [ms_req],
        text="Do you have a written code of conduct?",
        text_zh="贵公司是否有书面的行为准则？",
        help="A policy signed by top management.",
        help_zh="由最高管理层签署的政策。",
        weight=Decimal("2"),
    )
    make_question(
        ms,
        "MS-2",
        K.SINGLE,
        [ms_req],
        text="Which management system is certified?",
        text_zh="哪个管理体系已获认证？",
        choices=[
            {"value": "iso14001", "label": "ISO 14001", "label_zh": "ISO 14001", "score": 100},
            {"value": "iso9001", "label": "ISO 9001 only", "label_zh": "仅 ISO 9001", "score": 50},
            {"value": "none", "label": "None", "label_zh": "无", "score": 0},
        ],
    )
    make_question(
        ms,
        "MS-3",
        K.MULTIPLE,
        [env_req],
        required=False,
        text="Which permits do you hold?",
        text_zh="贵公司持有哪些许可证？",
        choices=[
            {"value": "discharge", "label": "Wastewater discharge", "label_zh": "排污许可", "score": 50},
            {"value": "hazwaste", "label": "Hazardous waste", "label_zh": "危险废物", "score": 50},
        ],
    )
    make_question(
        ms,
        "MS-4",
        K.NUMBER,
        [env_req],
        unit="MWh",
        text="Annual electricity use",
        text_zh="年用电量",
        scoring={"bands": [{"min": 0, "max": 1000, "score": 100}, {"min": 1000, "score": 50}]},
    )
    make_question(
        ms,
        "MS-5",
        K.PERCENT,
        [env_req],
        text="Share of waste recycled",
        text_zh="废物回收比例",
        scoring={"bands": [{"min": 0, "max": 50, "score": 40}, {"min": 50, "max": 100, "score": 100}]},
    )
    make_question(
        ms,
        "MS-6",
        K.DATE,
        [ms_req],
        required=False,
        text="Date of the last internal audit",
        text_zh="最近一次内审日期",
    )
    make_question(
        ms,
        "MS-7",
        K.FILE,
        [env_req],
        required=False,
        text="Upload your environmental policy",
        text_zh="上传环境政策",
    )
    lab = make_section(template, "LAB", title="Labour", title_zh="劳工")
    make_question(
        lab,
        "LAB-1",
        K.YES_NO,
        [child_req],
        text="Was child labour found in the last three years?",
        text_zh="过去三年是否发现童工？",
        scoring={"yes": 0, "no": 100},
        critical=True,
        knockout_values=["yes"],
        knockout_level="high",
    )
    make_question(
        lab,
        "LAB-2",
        K.TEXT,
        [child_req],
        text="Describe the remediation",
        text_zh="请描述补救措施",
        show_if_code="LAB-1",
        show_if_values=["yes"],
    )
    make_question(
        lab,
        "LAB-3",
        K.TEXT,
        [child_req],
        required=False,
        text="Describe your grievance channel",
        text_zh="请描述贵公司的工人申诉渠道",
    )
    return template


# Answers (as a person types them) that complete make_template() without a knock-out.
GOOD_ANSWERS = {
    "MS-1": "yes",
    "MS-2": "iso14001",
    "MS-3": ["discharge"],
    "MS-4": "800",
    "MS-5": "75",
    "MS-6": "2025-03-01",
    "LAB-1": "no",
    "LAB-3": "A hotline run by an NGO.",
}


def make_campaign(
    template=None, *, status=QuestionnaireCampaign.Status.OPEN, **kwargs
) -> QuestionnaireCampaign:
    kwargs.setdefault("name", f"Self-assessment {next(_seq)}")
    kwargs.setdefault("due_date", dt.date.today() + dt.timedelta(days=30))
    kwargs.setdefault("scope", {"all": True})
    return QuestionnaireCampaign.objects.create(template=template or make_template(), status=status, **kwargs)


def make_response(supplier, campaign=None, **kwargs) -> Response:
    return Response.objects.create(campaign=campaign or make_campaign(), supplier=supplier, **kwargs)


def make_answer(response, code, value, **kwargs) -> Answer:
    question = Question.objects.get(section__template=response.campaign.template, code=code)
    return Answer.objects.create(response=response, question=question, value=value, **kwargs)


def urlpatterns_with_assessments():
    """The project's URL map plus the questionnaire (and risk) pages while the project does not include them.

    Test modules use it as `urlpatterns = ...` with `pytest.mark.urls(__name__)`.
    """
    from django.urls import NoReverseMatch, include, path, reverse

    from supplyesg import urls

    patterns = list(urls.urlpatterns)
    wanted = (
        ("assessments:campaigns", "assessments/", "supplyesg.assessments.urls"),
        ("assessments_portal:responses", "portal/assessments/", "supplyesg.assessments.urls.portal"),
        ("risk:overview", "risk/", "supplyesg.assessments.risk.urls"),
    )
    for name, prefix, module in wanted:
        try:
            reverse(name, urlconf=urls)
        except NoReverseMatch:
            patterns.insert(0, path(prefix, include(module)))
    try:
        reverse("api:assessments_campaigns", urlconf=urls)
    except NoReverseMatch:
        patterns.insert(0, path("api/", _test_api().urls))
    return patterns


_TEST_API = []


def _test_api():
    """A NinjaAPI like the project's, holding the assessments router (built once)."""
    if not _TEST_API:
        from ninja import NinjaAPI

        from supplyesg.api import api
        from supplyesg.assessments.api import router
        from supplyesg.core.api_auth import DEFAULT_AUTH

        test_api = NinjaAPI(
            auth=DEFAULT_AUTH, urls_namespace=TEST_API_NAMESPACE, docs_url=None, openapi_url=None
        )
        test_api._exception_handlers = dict(api._exception_handlers)
        test_api.add_router("/", router)
        _TEST_API.append(test_api)
    return _TEST_API[0]


TEST_API_NAMESPACE = "assessments_test_api"


def api_url(name: str, *args) -> str:
    """reverse() of an assessments API endpoint, wherever the router is mounted."""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(f"api:{name}", args=args)
    except NoReverseMatch:
        return reverse(f"{TEST_API_NAMESPACE}:{name}", args=args)
