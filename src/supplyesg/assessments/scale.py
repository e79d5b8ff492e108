"""The assessments part of `supplyesg generate_scale_data` (core/scale.py): questionnaire answers and the yearly
risk assessment at scale.

A self-assessment campaign of the year is created with the campaign service and asks every approved supplier
through the campaign engine's bulk path (`ask_newcomers`; no e-mails: generated suppliers have no real inbox).
About half the asked suppliers answered: each gets one of a few answer profiles, scored once per profile by the
questionnaire engine (what `compute_scores` stores), stored as answers and scores; most are accepted, the rest
submitted. Then the yearly identification runs for every supplier (`risk.services.assess_all`), as
`supplyesg recompute_risk` would. Deterministic for a seed; each step is skipped when it was done for the year.
"""

import json
import random
from collections.abc import Callable
from datetime import date, timedelta
from io import StringIO

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from supplyesg.assessments.engine import knockout_caps, score, validate_answer, visible_questions
from supplyesg.assessments.models import Answer, QuestionnaireCampaign, QuestionnaireTemplate, Response, RiskAssessment
from supplyesg.assessments.questionnaires import campaigns
from supplyesg.assessments.questionnaires.questions import template_questions, to_spec
from supplyesg.assessments.risk import queries as risk_queries
from supplyesg.assessments.risk import services as risk
from supplyesg.core.campaigns.registry import campaign_kind
from supplyesg.core.campaigns.services import ask_newcomers
from supplyesg.core.models import PolicySettings
from supplyesg.core.scale import ScaleOptions

PROFILES = 16
ANSWERED_SHARE = 0.5
ACCEPTED_SHARE = 0.8
CHUNK = 1000


def campaign_name(year: int) -> str:
    return f"Scale self-assessment {year}"


def _value(rng: random.Random, spec, quality: float, today: date):
    """A plausible answer to one question; `quality` (0-1) makes good practice more likely."""
    good = rng.random() < quality
    choices = [c["value"] for c in spec.choices if isinstance(c, dict) and "value" in c]
    if spec.kind == "yes_no":
        bad = set(spec.knockout_values or ())
        return ("no" if "yes" in bad else "yes") if good else rng.choice(("yes", "no"))
    if spec.kind == "single" and choices:
        return choices[0] if good else rng.choice(choices)
    if spec.kind == "multiple" and choices:
        return sorted(rng.sample(choices, k=rng.randint(1, len(choices))))
    if spec.kind == "number":
        low, high = spec.scoring.get("min", 0), spec.scoring.get("max", 1000)
        return rng.randint(int(low), int(min(high, max(low, 5000))))
    if spec.kind == "percent":
        return rng.randint(0, 10) if good else rng.randint(0, 100)
    if spec.kind == "date":
        return (today + timedelta(days=rng.randint(-60, 900))).isoformat()
    if spec.kind == "text":
        return "Objectives are set each year and tracked monthly by the EHS team."
    return None  # file evidence is not generated


def _profiles(rng: random.Random, specs, today: date, caps) -> list[tuple[dict, dict]]:
    """(answers by question code, the engine's scores as stored) for PROFILES suppliers' worth of practice."""
    out = []
    for n in range(PROFILES):
        quality = 0.75 + 0.24 * n / (PROFILES - 1)  # most suppliers follow most good practice
        raw = {spec.code: _value(rng, spec, quality, today) for spec in specs}
        values = {
            code: value
            for code, value in raw.items()
            if value is not None and validate_answer(next(s for s in specs if s.code == code), value, today=today)[1] is None
        }
        shown = visible_questions(specs, values)
        answers = {code: value for code, value in values.items() if code in shown}
        result = score(specs, answers, today=today, knockout_caps=caps)
        out.append((answers, json.loads(json.dumps(result.as_dict(), default=str))))
    return out


def _questionnaire(options: ScaleOptions, progress: Callable[[str], None]) -> None:
    name = campaign_name(options.year)
    if QuestionnaireCampaign.objects.filter(name=name).exists():
        progress(f"campaign {name!r} already exists; skipped")
        return
    if not QuestionnaireTemplate.objects.filter(is_active=True).exists():
        call_command("load_assessment_reference", stdout=StringIO())
    template = QuestionnaireTemplate.objects.filter(is_active=True).order_by("-created_at", "-pk").first()
    today = timezone.localdate()
    campaign = campaigns.create_campaign(
        actor=None, template=template, name=name, due_date=max(today, date(options.year, 6, 30)), all_suppliers=True
    )
    with transaction.atomic():
        ask_newcomers(campaign_kind(campaigns.KIND), campaign)
        QuestionnaireCampaign.objects.filter(pk=campaign.pk).update(status=QuestionnaireCampaign.Status.OPEN)
    questions = template_questions(template)
    specs = [to_spec(q) for q in questions]
    question_ids = {q.code: q.pk for q in questions}
    policy = PolicySettings.current()
    rng = random.Random(options.seed + 20)
    profiles = _profiles(rng, specs, today, knockout_caps(policy.risk_medium_from, policy.risk_high_from))
    asked = list(campaign.responses.order_by("pk").values_list("pk", flat=True))
    answered = [pk for pk in asked if rng.random() < ANSWERED_SHARE]
    base = timezone.now() - timedelta(days=30)
    for start in range(0, len(answered), CHUNK):
        chunk, updates, answers = answered[start : start + CHUNK], [], []
        for pk in chunk:
            values, scores = profiles[rng.randrange(PROFILES)]
            accepted = rng.random() < ACCEPTED_SHARE
            submitted = base + timedelta(minutes=rng.randrange(60 * 24 * 25))
            updates.append(
                Response(
                    pk=pk,
                    status=Response.Status.ACCEPTED if accepted else Response.Status.SUBMITTED,
                    scores=scores,
                    submitted_at=submitted,
                    reviewed_at=submitted + timedelta(days=2) if accepted else None,
                )
            )
            answers += [Answer(response_id=pk, question_id=question_ids[code], value=value) for code, value in values.items()]
        with transaction.atomic():
            Response.objects.bulk_update(updates, ["status", "scores", "submitted_at", "reviewed_at"])
            Answer.objects.bulk_create(answers)
        progress(f"{min(start + CHUNK, len(answered))}/{len(answered)} answered questionnaires ({len(asked)} asked)")


def _risk(options: ScaleOptions, progress: Callable[[str], None]) -> None:
    if RiskAssessment.objects.for_year(options.year).exists():
        progress(f"risk assessments of {options.year} already exist; skipped")
        return
    total = risk_queries.scope().count()
    every = max(1, total // 10)

    def report(done: int, total: int) -> None:
        if done % every < 1000 or done == total:
            progress(f"{done}/{total} suppliers assessed")

    summary = risk.assess_all(options.year, actor=None, on_progress=report)
    progress(f"risk levels {options.year}: {summary['levels']}; worklist items opened: {summary['worklist_opened']}")


def generate_assessments(options: ScaleOptions, progress: Callable[[str], None]) -> None:
    _questionnaire(options, progress)
    _risk(options, progress)


def register() -> None:
    from supplyesg.core.scale import register_scale_generator

    register_scale_generator("assessments", generate_assessments, order=20)
