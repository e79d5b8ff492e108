"""Every page and every API list at scale: time and SQL statements, before and after the scale data set is added.

Run from the repository root:
    DJANGO_SETTINGS_MODULE=supplyesg.settings_test .venv/bin/python -m bench.every_page \
        [--suppliers 100000] [--submissions 20000] [--repeat 5]
BENCH_SMOKE=1 runs a small size in seconds. At full size the data set takes one to two hours to build on these
machines; to measure a database that already holds it (`supplyesg generate_scale_data`, run once), add --generated
and point the bench at that database: DATABASE_URL, or BENCH_SQLITE_FILE=<the SQLite file> (bench/common.py), and
at its files with --media (the generating process's MEDIA_ROOT, SUPPLYESG_DATA_DIR/media by default). The bench then
adds its own objects inside a transaction it rolls back at the end, and measures the scale pass only.

The page list is the permission matrix's (tests/core/test_permission_matrix.py): every GET page that has a rule,
opened by the persona that may open it (a compliance manager, an administrator for the few only administrators
open, supplier A's portal user, an anonymous visitor for the public pages) and pointed at one of everything
(tests/world.py, the objects the matrix and the browser sweep use). The API lists are the API's GET operations
without a path parameter, asked with their default page. Django's admin site (Django's own screens) is left out.

1. The first pass measures each page over one of everything: the baseline, in the same process.
2. The scale data set is then built by `generate_scale_data`'s own generators (core/scale.py: suppliers with their
   sites, contacts and documents, the yearly self-assessment and risk assessment, ratings, CMRT and EMRT
   declarations, the dashboards' stored figures) and the database's statistics refreshed.
3. The second pass measures the same URLs again, and the pages of one object again pointed at the scale data's
   objects (its CMRT campaign of every approved supplier, its self-assessment campaign, a supplier that answered
   both, that supplier's portal user for the portal), and the last page of every paginated list and API list.
Each line: median ms over the repeats in each pass, the ratio, and the statements of one request in each pass
(a page whose statements grow with the tables is marked). Downloads (workbooks, PDF, CSV) are listed apart: they
are files of the whole selection and are not held to a page's target.
Targets (issue 19): every page and API list under 300 ms at 100,000 suppliers and 20,000 submissions a year, its
statements the same whatever the table size. A page answering 500 fails the bench (exit 1).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import Measure, StatementCounter, measure, refresh_statistics, setup_database, size, sqlite_kind

FIXTURES = Path(__file__).resolve().parents[1] / ".." / "shared" / "fixtures" / "cmrt-public"
TEMPLATES = {"SUPPLYESG_CMRT_TEMPLATE": FIXTURES / "RMI_CMRT_6.5.xlsx", "SUPPLYESG_EMRT_TEMPLATE": FIXTURES / "RMI_EMRT_2.1.xlsx"}
TARGET_MS = 300
SKIPPED_KINDS = {"logout", "nowhere", "own_factor"}  # no page to time: a redirect, a 404 by design, nobody's factor
# URL parameters the scale pass points at the scale data's objects. `pk` is a supplier's on the pages that take only it.
SCALE_KEYS = {"pk", "supplier_pk", "campaign_pk", "questionnaire_campaign_pk", "submission_pk", "campaign_request_pk",
              "response_pk", "year", "template"}  # fmt: skip
PRODUCT_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # settings.py's
DOWNLOAD_TYPES = ("text/html", "application/json")  # anything else is a file


@dataclass
class Target:
    name: str  # URL name, with " [scale objects]" for the scale pass's own lines
    persona: str
    url: str
    api: bool = False
    passes: dict[str, Measure] = field(default_factory=dict)
    download: bool = False
    error: str = ""


def persona_for(rule) -> str | None:
    """The first persona (most pages: the compliance manager) that may open the page."""
    from tests.core.test_permission_matrix import expected_page

    from supplyesg.core.models import Role

    if rule.kind == "public":
        return "anonymous"
    for role in (Role.COMPLIANCE, Role.ADMIN, "supplier_a"):
        if expected_page(rule, role) == "ok":
            return role
    return None


def page_targets(world: dict) -> list[Target]:
    from tests.core.test_permission_matrix import RULES, _page_values, _url

    targets = []
    for name, rule in sorted(RULES.items()):
        if rule.method != "GET" or rule.kind in SKIPPED_KINDS or name.startswith("admin"):
            continue
        persona = persona_for(rule)
        if persona is not None:
            targets.append(Target(name, persona, _url(name, _page_values(name, rule, persona, world))))
    return targets


def api_targets() -> list[Target]:
    from tests.core.test_permission_matrix import API_OPERATIONS

    from supplyesg.core.models import Role

    return [
        Target(name, "supplier_a" if op.suppliers_only else Role.COMPLIANCE, op.route, api=True)
        for name, op in sorted(API_OPERATIONS.items())
        if op.method == "GET" and "{" not in op.route and not op.public and name != "api:openapi-json"
    ]


def scale_targets(world: dict, values: dict) -> list[Target]:
    """The pages of one object whose every URL parameter the scale data has, pointed at the scale data's objects."""
    from tests.core.test_permission_matrix import ROUTES, RULES, _url

    targets = []
    for name, rule in sorted(RULES.items()):
        keys = set(re.findall(r"<(?:\w+:)?(\w+)>", ROUTES[name][0]))
        own = {"own_job", "import_job", "own_export"}  # objects of the bench's own users, not of the data set
        if rule.method != "GET" or not keys or not keys <= SCALE_KEYS or rule.kind in SKIPPED_KINDS | own:
            continue
        if "pk" in keys and name.split(":")[0] not in ("suppliers", "risk"):
            continue
        persona = persona_for(rule)
        if persona is None:
            continue
        persona = "scale_supplier" if persona == "supplier_a" else persona
        targets.append(Target(f"{name} [scale objects]", persona, _url(name, {**world["values"], **values})))
    return targets


def scale_objects() -> dict:
    """The scale data's objects: its CMRT campaign, its self-assessment campaign, a supplier that answered both."""
    from supplyesg.assessments.models import QuestionnaireCampaign, Response
    from supplyesg.minerals.campaigns.models import Campaign, Submission, SubmissionRequest

    campaign = _largest(Campaign.objects.filter(template="CMRT"))
    questionnaire = _largest(QuestionnaireCampaign.objects.all(), related="responses")
    if campaign is None or questionnaire is None:
        return {}
    answered = Response.objects.filter(campaign=questionnaire).values("supplier_id")
    request = (
        SubmissionRequest.objects.filter(campaign=campaign, accepted_submission__isnull=False, supplier_id__in=answered)
        .order_by("pk")
        .first()
    )
    if request is None:
        return {}
    submission = Submission.objects.filter(request=request).order_by("-pk").first()
    return {
        "pk": request.supplier_id,
        "supplier_pk": request.supplier_id,
        "campaign_pk": campaign.pk,
        "campaign_request_pk": request.pk,
        "submission_pk": submission.pk,
        "questionnaire_campaign_pk": questionnaire.pk,
        "response_pk": Response.objects.get(campaign=questionnaire, supplier_id=request.supplier_id).pk,
        "year": campaign.reporting_year,
        "template": campaign.template,
        "supplier": request.supplier,
    }


def _largest(queryset, related: str = "requests"):
    from django.db.models import Count

    return queryset.annotate(n=Count(related)).order_by("-n", "pk").first()


def request(target: Target, clients: dict):
    client = clients[target.persona]
    response = client.get(target.url, HTTP_ACCEPT="application/json" if target.api else "text/html")
    content_type = response.get("Content-Type", "")
    target.download = not target.api and not content_type.startswith(DOWNLOAD_TYPES) and response.status_code == 200
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)  # a download is timed to its last byte
    return response


PAGE_LINK = re.compile(r"[?&]((?:\w+_)?page)=(\d+)")


def last_pages(targets: list[Target], clients: dict) -> list[Target]:
    """The last page of every paginated list, as its first page links it (an API list: its last offset): a page's
    statements and time must not grow with how deep it is (an OFFSET that reads every skipped row would)."""
    deep = []
    for target in targets:
        if target.download or target.error or target.passes["scale"].status != 200:
            continue
        if target.api:  # core/paging.py's {"count", "limit", "offset", "items"}
            body = request(target, clients).json()
            if isinstance(body, dict) and body.get("count", 0) > body.get("limit", 0) > 0:
                offset = body["count"] - body["limit"]
                url = f"{target.url}{'&' if '?' in target.url else '?'}offset={offset}"
                deep.append(Target(f"{target.name} offset={offset}", target.persona, url, api=True))
            continue
        found: dict[str, int] = {}
        for param, number in PAGE_LINK.findall(request(target, clients).content.decode(errors="replace")):
            found[param] = max(found.get(param, 0), int(number))
        for param, number in sorted(found.items()):
            if number > 1:
                url = f"{target.url}{'&' if '?' in target.url else '?'}{param}={number}"
                deep.append(Target(f"{target.name} {param}={number}", target.persona, url))
    return deep


def load_reference(settings) -> None:
    """The RMI smelter list from the blank CMRT template, as an installation loads it before anything else."""
    from supplyesg.minerals import services

    blank = getattr(settings, "SUPPLYESG_CMRT_TEMPLATE", None)
    if blank and Path(blank).exists():
        services.load_smelter_list(blank)


def run_pass(label: str, targets: list[Target], clients: dict, repeat: int, warmup: int) -> None:
    """Each target timed, with the product's task backend: a page that queues work (a refresh after an audited
    reading) queues it for the worker, as in production, instead of running it inside the request as the test
    settings' immediate backend would."""
    from django.test import override_settings

    started = time.perf_counter()
    with override_settings(TASKS=PRODUCT_TASKS):
        for target in targets:
            _time(label, target, clients, repeat, warmup)
    print(f"{label} pass: {len(targets)} requests x {repeat} in {time.perf_counter() - started:.0f} s")


def _time(label: str, target: Target, clients: dict, repeat: int, warmup: int) -> None:
    """A download (a workbook or PDF of the whole selection, minutes at full size) is timed once, by its first call;
    a page by the median of `repeat` calls after it."""
    try:
        with StatementCounter() as counter:
            start = time.perf_counter()
            response = request(target, clients)
            first = Measure(target.name, time.perf_counter() - start, [counter.take()], response.status_code)
        if target.download:
            target.passes[label] = first
        else:
            target.passes[label] = measure(target.name, lambda: request(target, clients), repeat, max(0, warmup - 1))
    except Exception as exc:  # a page that raises is a 500 the bench reports and fails on
        target.passes[label] = Measure(target.name, 0.0, [0], 500)
        target.error = f"{type(exc).__name__}: {exc}"[:200]


def report(targets: list[Target], baseline: Measure) -> int:
    """Print the table, slowest first; return how many answered 500."""
    rows = sorted(targets, key=lambda t: -t.passes["scale"].median_s)
    width = max(len(t.name) for t in rows)
    print(f"\n{'page or API list'.ljust(width)}  {'persona':<14} {'one ms':>7} {'scale ms':>9} {'x one':>6}  "
          f"{'statements':>11}  status")  # fmt: skip
    base_ms = baseline.median_s * 1000
    for t in rows:
        one, scale = t.passes.get("one"), t.passes["scale"]
        grew = one is not None and max(scale.queries) > max(one.queries)
        statements = f"{one.query_range if one else '-'} -> {scale.query_range}" + (" grew" if grew else "")
        ratio = f"{scale.median_s / one.median_s:6.1f}" if one and one.median_s else "     -"
        one_ms = f"{one.median_s * 1000:7.1f}" if one else "      -"
        marks = (" download" if t.download else "") + (f" {t.error}" if t.error else "")
        print(f"{t.name.ljust(width)}  {str(t.persona):<14} {one_ms} {scale.median_s * 1000:9.1f} {ratio}  "
              f"{statements:>11}  {scale.status}{marks}")  # fmt: skip
    pages = [t for t in rows if not t.download and not t.error and t.passes["scale"].status == 200]
    answered = [t for t in rows if not t.download and not t.error and t.passes["scale"].status != 200]
    over = [t for t in pages if t.passes["scale"].median_s * 1000 >= TARGET_MS]
    grew = [t for t in pages if "one" in t.passes and max(t.passes["scale"].queries) > max(t.passes["one"].queries)]
    errors = [t for t in rows if t.passes["scale"].status >= 500 or t.passes.get("one", baseline).status >= 500]
    medians = [t.passes["scale"].median_s * 1000 for t in pages]
    print(f"\nbaseline (the log-in page, anonymous): {base_ms:.1f} ms")
    print(
        f"{len(pages)} pages and API lists (downloads apart: {sum(t.download for t in rows)}): median of medians "
        f"{statistics.median(medians):.0f} ms, slowest {max(medians):.0f} ms ({pages[0].name}); "
        f"{len(over)} at or over {TARGET_MS} ms" + (": " + ", ".join(t.name for t in over) if over else "")
    )
    if answered:
        print("answered without a page (a redirect or a refusal of the world's data; not held to the target): "
              + ", ".join(f"{t.name} {t.passes['scale'].status}" for t in answered))  # fmt: skip
    print(f"statements grew with the tables on {len(grew)}" + (": " + ", ".join(t.name for t in grew) if grew else ""))
    if errors:
        print(f"answered 500: {', '.join(f'{t.name} ({t.url})' for t in errors)}", file=sys.stderr)
    return len(errors)


def settle_minerals_figures() -> None:
    """What the worker does seconds after a change: refresh the minerals figures a change marked stale. The bench's
    objects are written in a transaction it rolls back, so their on-commit refresh never runs; the company smelter
    list and declaration would otherwise be measured computing their figures in the request, as they do only in
    the moments before the worker's refresh."""
    from supplyesg.minerals.aggregation import refresh_dashboard
    from supplyesg.minerals.models import DashboardSnapshot

    start, stale = time.perf_counter(), list(DashboardSnapshot.objects.filter(stale=True).values_list("year", "template"))
    for year, template in stale:
        refresh_dashboard(year or None, template or None)
    print(f"{len(stale)} stale minerals figures refreshed, as the worker would have, in {time.perf_counter() - start:.1f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suppliers", type=int, default=size(100_000, 60))
    parser.add_argument("--submissions", type=int, default=size(20_000, 12))
    parser.add_argument("--repeat", type=int, default=size(5, 1))
    parser.add_argument("--generated", action="store_true", help="the database already holds the scale data set")
    parser.add_argument("--media", default="", help="with --generated: the data set's MEDIA_ROOT")
    args = parser.parse_args()
    setup_database()
    import logging

    from django.db import connection

    if args.generated and connection.vendor == "sqlite" and connection.settings_dict["NAME"] == ":memory:":
        print("--generated: point the bench at the generated database (DATABASE_URL or BENCH_SQLITE_FILE=<file>)")
        return 2

    from django.conf import settings
    from django.db import transaction
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone
    from tests.factories import make_user
    from tests.world import build_world

    from supplyesg.core.models import Role
    from supplyesg.core.scale import ScaleOptions, scale_generators

    logging.getLogger("django_tasks").setLevel(logging.WARNING)
    for setting, path in TEMPLATES.items():
        if not getattr(settings, setting, None) and path.exists():
            setattr(settings, setting, path)
    if args.media:
        settings.MEDIA_ROOT = args.media
    warmup = 0 if args.repeat == 1 else 1
    atomic = transaction.atomic()
    if args.generated:
        refresh_statistics()  # as autovacuum would have by now; VACUUM cannot run inside the transaction
        atomic.__enter__()  # the bench's own objects go with the rollback at the end
    try:
        if not args.generated:  # reference data first, as `make run` loads it: the world's smelter is one of the list
            load_reference(settings)
        start = time.perf_counter()
        world = build_world()
        print(f"one of every object (tests/world.py, a reporting snapshot among them) built in "
              f"{time.perf_counter() - start:.0f} s")  # fmt: skip
        settle_minerals_figures()
        clients = {"anonymous": Client()}
        for role, user in world["users"].items():
            clients[role] = Client()
            clients[role].force_login(user)
        baseline = measure("baseline: the log-in page", lambda: clients["anonymous"].get(reverse("core:login")), args.repeat)
        targets = page_targets(world) + api_targets()
        if not args.generated:
            run_pass("one", targets, clients, args.repeat, warmup)
            start = time.perf_counter()
            options = ScaleOptions(args.suppliers, args.submissions, timezone.localdate().year)
            for _key, generate in scale_generators():
                generate(options, lambda message: None)
            print(f"scale data: {args.suppliers:,} suppliers, {args.submissions:,} submissions, built by the "
                  f"generators in {time.perf_counter() - start:.0f} s")  # fmt: skip
            settle_minerals_figures()
            refresh_statistics()
        values = scale_objects()
        if values:
            clients["scale_supplier"] = Client()
            clients["scale_supplier"].force_login(make_user(Role.SUPPLIER, supplier=values.pop("supplier")))
            targets += scale_targets(world, values)
        else:
            print("the scale data has no CMRT campaign with an accepted file from a supplier that also answered the "
                  "self-assessment (no blank CMRT template?): pages of one object are measured on the world's only")  # fmt: skip
        print(f"== every page at scale on {sqlite_kind()}: {len(targets)} requests, median of {args.repeat}")
        run_pass("scale", targets, clients, args.repeat, warmup)
        deep = last_pages(targets, clients)
        run_pass("scale", deep, clients, args.repeat, warmup)
        errors = report(targets + deep, baseline)
    finally:
        if args.generated:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
