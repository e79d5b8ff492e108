"""Importing 1,000 CMRT files into the database (parse, validate, match, store), then aggregating them.

Run from the repository root:
    DJANGO_SETTINGS_MODULE=supplyesg.settings_test .venv/bin/python -m bench.cmrt_import [--files 1000]

Ten distinct real-layout CMRT 6.5 files are written with openpyxl into tmp copies of the blank RMI template
(company names and smelter lists vary: smelters by CID for all four metals, near-miss names, unknown
names), then each is submitted for 100 suppliers through `campaigns.submit_declaration`, the function the
portal, the API and the bulk import use. The same reference (the 6.5 smelter list loaded into the database)
serves every file, as in a bulk import. Baseline in the same process: `check_file` alone on the same bytes.
Peak memory: tracemalloc (Python heap) over a separate pass, and the process's maximum RSS.

Sixth session (issue 19, 2026-12-06, 1,000 files, PostgreSQL 15 then in-memory SQLite, back to back, quiet):
    import 127 / 117 ms a file (1.08x); accept 1,000 15.5 / 7.8 s (2.0x; fifth session 32.2 / 14.9 s)
    aggregation: 723 / 142 ms (5.1x), then 155 ms on PostgreSQL (1.09x) once Submission.status lost its own index
    and the smelter-id index skipped the rows without an id: with the statistics stale after the import (this bench
    does not ANALYZE after it, as a live database would not have yet), PostgreSQL probed the status index inside the
    "latest accepted version" anti join, 1,000 x 1,000 rows. What is left on accept is PostgreSQL's cost per statement
    and per commit (17 statements a file).

Eighth session (2026-12-07, 1,000 files, PostgreSQL 15 then in-memory SQLite, one after the other; the machine
slower than in the sixth): half the valid files are accepted one by one, half through `accept_submissions` in
selections of 500 (the campaign page's bulk bar, one transaction each):
    import 190 / 179 ms a file (1.06x); accept one by one 15.6 / 7.3 ms a file (2.1x); in selections of 500
    0.57 / 0.29 ms a file (1.97x; 27x / 25x cheaper than one by one); 1,000 company names confirmed one by one
    8.4 / 4.0 s; aggregation 369 / 287 ms (1.29x). A selection of 100 on PostgreSQL: 176 ms until the locking read
    left out the check result (27.5 ms of it) and the requests were updated by one subquery instead of a CASE;
    93 ms after, 38 ms of it SQL (the audit INSERT 8.3 ms the largest).

Ninth session (2026-12-07, 1,000 files, PostgreSQL 15 then in-memory SQLite, one after the other, quiet; the machine
faster than in the eighth). Before: the eighth session's code. After: a bulk decision's audit events written by
core.rowwriter (ids given back for the notifications), its id lists as one array, a company-name confirmation
locking only the finding and not reading the file's check result:
    before: import 124 / 132 ms a file; one by one 9.6 / 4.6 ms; in selections of 500 0.44 / 0.18 ms (2.4x);
            1,000 names confirmed 6.1 / 2.4 s; aggregation 221 / 135 ms
    after:  import 125 / 132 ms a file (0.95x); one by one 10.4 / 5.0 ms (2.1x); in selections of 500 0.19 / 0.17 ms
            (1.12x; 54x / 29x cheaper than one by one); 1,000 names confirmed 5.3 / 2.8 s (1.9x); aggregation
            166 / 195 ms (0.85x)
    A single acceptance is 10 statements and a commit, each a round trip to the server (about 0.25 ms on this
    machine, against 0.05 ms for an SQLite call in the process): what is left of its 2x is those round trips.

Tenth session (2026-12-07, 1,000 files, PostgreSQL 15 then in-memory SQLite, quiet; the machine faster again). An
acceptance reads the open company-name finding with its locking read, and a bulk decision writes its notifications
in its own transaction (no after-commit check that its events exist): 7 statements in the transaction instead of 9,
plus 1 after it (8 with a portal user to tell). The access read of a decision leaves out the check result. One-by-one
decisions are timed per call (median; the mean moved by a third with one autovacuum pass), and the Accept button's
POST through the web stack is measured too. Three runs each, PostgreSQL / SQLite in memory:
    import 79-85 / 78-82 ms a file (1.0-1.1x); aggregation 109-131 / 103-108 ms (1.0-1.3x)
    accept in selections of 500: 0.12-0.49 / 0.11-0.50 ms a file (the spread is run to run, on both)
    accept one by one, the service: median 4.6 ms / 2.7 ms (1.7x; means 4.7-5.3 / 2.6-2.8)
    accept one by one, the page's POST: median 7.6 ms / 5.4 ms (1.4x)
    confirm a company name: median 2.3 ms / 1.3 ms (1.8x)
    SQLite as the product runs it (BENCH_SQLITE_FILE=1, one run): service 2.6 ms, page 5.1 ms, confirm 1.3 ms,
    selections of 500 0.18 ms a file. What is left of the one-by-one ratios is PostgreSQL's round trips: BEGIN,
    the 7 statements, COMMIT (0.3 ms with its WAL flush, against 0.015 ms) and the dashboard check after it.

Fourteenth session (2026-12-07, 1,000 files, PostgreSQL 15 then in-memory SQLite, quiet). A decision's single audit
event is written as a one-row VALUES INSERT on PostgreSQL (core.rowwriter.SMALL_ROWS), not as ten one-value arrays
unnested on the server: that statement 0.56 to 0.17 ms. Two runs on PostgreSQL, one on SQLite:
    accept one by one, the service: median 4.8 / 5.1 ms against 2.8 ms (1.7x / 1.8x)
    accept one by one, the page's POST: median 8.5 / 9.2 ms against 5.3 ms (1.6x / 1.7x)
    confirm a company name: median 2.4 / 2.5 ms against 1.3 ms (1.8x / 1.9x)
    selections of 500: 0.54 / 0.16 ms a file against 0.10 ms (the spread is run to run)
A decision on PostgreSQL is ten round trips, logged by the server: BEGIN, the two locking reads, two UPDATEs, the
audit INSERT, the portal users to notify, the minerals figures' staleness, COMMIT (0.34 ms), and the reporting
dashboard's check after it: about 0.2 ms each, 2 ms in all, against SQLite's 0.2 ms of statements in the process.

Fifteenth session (2026-12-07, 1,000 files, PostgreSQL 15 then in-memory SQLite, one after the other, the data
generator paused; the machine slower than in the fourteenth: SQLite's one-by-one acceptance 3.5 ms against 2.8).
The request and its file are locked by one joined statement (a round trip fewer), a single id is sent as `= %s`
(PostgreSQL keeps a generic plan for it; as `= ANY($1)` it planned the file's lock and the request's update again on
every run: 0 generic plans in 95 runs), and a company-name confirmation no longer asks the reporting dashboard
after its commit:
    accept one by one, the service: median 5.4 ms against 3.5 ms (1.54x)
    accept one by one, the page's POST: median 10.0 ms against 7.3 ms (1.37x)
    confirm a company name: median 3.0 ms against 1.7 ms (1.76x)
    selections of 500: 0.19 ms a file against 0.14 ms (1.36x)
    import 103 / 105 ms a file (0.98x); aggregation 153 / 156 ms (0.98x)
A confirmation is now six round trips (the bench's read of the open finding, BEGIN, the locking read, the UPDATE,
the audit INSERT, COMMIT), an acceptance nine (BEGIN, the lock, two UPDATEs, the audit INSERT, the portal users,
the minerals figures' staleness, COMMIT, the reporting dashboard's check after it), about 0.2 ms each on this
2-core machine whether over TCP or the Unix socket (measured the same), against SQLite's 0.2 ms for the same
statements in the process. psycopg's pipeline mode (BEGIN sent with the first statement) measured no faster.

Sixteenth session (2026-12-08, 1,000 files, PostgreSQL 15 then in-memory SQLite, back to back, three pairs; the
machine slower and noisier than in the fifteenth: SQLite's one-by-one acceptance 4.4-6.4 ms against 3.5). Two lines
added: a company-name confirmation through the submission page's Confirm button, and the floor under one decision:
the first decision's own statements, kept as Django sent them, sent again 200 times on the driver's connection
(psycopg or sqlite3) without Django, in the transaction as Django opened and committed it. The page POSTs now drop
the decision's message as the next page would: left, the messages went past the cookie's 2 KB into the session,
which every later POST read and wrote again (first pair, accept through the page: 23.6 / 15.3 ms). Pairs 2 and 3:
    confirm a company name, the service: 4.1 / 1.9 ms (2.2x); 6.0 / 2.9 ms (2.1x)
    confirm, the page's POST: 10.0 / 8.7 ms (1.15x); 14.9 / 6.1 ms (2.4x)
    accept one by one, the service: 7.9 / 5.6 ms (1.4x); 12.8 / 6.4 ms (2.0x)
    accept, the page's POST: 15.6 / 11.6 ms (1.34x); 19.0 / 10.4 ms (1.8x)
    selections of 500: 0.22 / 0.65 ms a file; 0.32 / 0.23 ms
    import 125 / 136 ms a file; 146 / 150. Aggregation 267 / 169 ms; 260 / 221 (pair 1: 174 / 208)
    the floor, a confirmation (4 statements, 3 in its transaction): 1.68 / 0.048 ms; 1.46 / 0.079 (pair 1: 1.29)
    the floor, an acceptance (7 statements, 6 in its transaction): 2.70 / 0.061 ms; 2.24 / 0.101 (pair 1: 1.98)
What the floor says. Django's share of a decision is the same Python work on both databases, so the ratio is
(D + F_pg) / (D + F_sqlite), D Django's share, F the floor. It is at most 1.5 only when D >= 2 (F_pg - 1.5 F_sqlite):
for a confirmation about 2.7-3.2 ms of Django work, where SQLite's whole confirmation takes 1.9-2.9 ms. A cheaper
ORM path makes the ratio worse, not better; only fewer round trips on PostgreSQL alone (the decision and its audit
event as one statement) or a commit that does not wait for its WAL flush (synchronous_commit=off, the guarantee
SQLite's WAL with synchronous=NORMAL gives) would lower F_pg. And D itself is larger in the PostgreSQL process: the
same calls of the same code (cProfile, 150 confirmations: the SQL compiler 0.51 s against 0.24 s), run after each
blocking round trip on these two-core virtual machines.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path

from bench.common import StatementCounter, setup_database, size

FIXTURES = Path(__file__).resolve().parents[1] / ".." / "shared" / "fixtures" / "cmrt-public"
BLANK = FIXTURES / "RMI_CMRT_6.5.xlsx"
DISTINCT = size(10, 2)
SMELTERS_PER_METAL = 20
METALS = ("Tantalum", "Tin", "Gold", "Tungsten")  # Declaration question rows, in this order


def declaration_cells(company: str, effective: dt.date) -> dict:
    cells = {
        "D8": company,
        "D9": "A. Company",
        "D15": "Jane Roe",
        "D16": "jane@example.com",
        "D17": "+1 555 0100",
        "D18": "John Doe",
        "D20": "john@example.com",
        "D22": dt.datetime.combine(effective, dt.time()),
        "D75": "Yes",
        "D77": "Yes",
        "G77": "https://example.com/policy",
        "D79": "Yes",
        "D81": "Yes",
        "D83": "Yes, in conformance with IPC1755 (e.g., CMRT)",
        "D85": "Yes",
        "D87": "Yes",
        "D89": "No",
    }
    answers = ("Yes", "Yes", "No", "No", "No", "100%", "Yes", "Yes")  # Q1..Q8
    for offset, _metal in enumerate(METALS):
        for q, answer in enumerate(answers):
            cells[f"D{26 + 6 * q + offset}"] = answer
    return cells


def write_files(out_dir: Path) -> list[Path]:
    """DISTINCT files, each with SMELTERS_PER_METAL smelters per metal by CID plus name-only rows."""
    import openpyxl

    from supplyesg.minerals.cmrt import read_workbook

    lookup = read_workbook(BLANK).lookup
    by_metal = {m: sorted((s for s in lookup.smelters if s.metal == m), key=lambda s: s.cid) for m in METALS}
    paths = []
    for i in range(DISTINCT):
        # A fresh copy each time: openpyxl cannot save a workbook with images twice (the image stream closes).
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(BLANK)
        declaration, smelters = workbook["Declaration"], workbook["Smelter List"]
        written = []
        for addr, value in declaration_cells(f"Bench Metals {i:02d} Co., Ltd.", dt.date.today()).items():
            written.append((declaration, addr, declaration[addr].value))
            declaration[addr] = value
        row = 5
        for metal in METALS:
            pool = by_metal[metal]
            for k in range(SMELTERS_PER_METAL):
                smelter = pool[(i * 7 + k * 3) % len(pool)]
                written.append((smelters, f"A{row}", smelters[f"A{row}"].value))
                smelters[f"A{row}"] = smelter.cid
                row += 1
            near = pool[(i * 11) % len(pool)].name
            extra = [(metal, near[:-1] + near[-1] * 2), (metal, f"Bench Unknown {metal} Refinery {i}")]
            for metal_name, name in extra:
                for col, value in (
                    ("B", metal_name),
                    ("C", "Smelter not listed"),
                    ("D", name),
                    ("E", "CHINA"),
                ):
                    written.append((smelters, f"{col}{row}", smelters[f"{col}{row}"].value))
                    smelters[f"{col}{row}"] = value
                row += 1
        path = out_dir / f"bench_cmrt_{i:02d}.xlsx"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook.save(path)
        for sheet, addr, old in reversed(written):  # back to the blank for the next file
            sheet[addr] = old
        paths.append(path)
    return paths


def make_campaign(n: int):
    from supplyesg.core.models import Role, User
    from supplyesg.minerals.campaigns import services as campaigns
    from supplyesg.suppliers.models import Supplier

    actor = User.objects.create(username="bench-compliance", role=Role.COMPLIANCE)
    Supplier.objects.bulk_create(
        [
            Supplier(
                code=f"M{i:06d}",
                legal_name=f"Bench Supplier {i:05d} Co., Ltd.",
                country="CN",
                status="active",
                registration_id=f"REG{i:010d}",
            )
            for i in range(n)
        ],
        batch_size=1000,
    )
    campaign = campaigns.create_campaign(
        actor=actor,
        name="Bench CMRT",
        reporting_year=2025,
        template="CMRT",
        minerals=["Tin", "Tantalum", "Tungsten", "Gold"],
        due_date=dt.date.today() + dt.timedelta(days=30),
        tiers=[1],
    )
    campaigns.open_campaign(campaign, actor=actor)
    return actor, campaign, list(campaign.requests.order_by("pk"))


def media_report(blobs: list[tuple[str, bytes]], requests: list) -> None:
    """What the stored workbooks take: deduplicated by hash, shared members once, lzma; and a projection to
    20,000 distinct files a year from the bytes each distinct file adds (generated files, then real ones)."""
    from supplyesg.minerals import workbooks
    from supplyesg.minerals.models import StoredWorkbook, WorkbookPiece

    def stored() -> int:
        return sum(StoredWorkbook.objects.values_list("stored_size", flat=True)) + sum(
            WorkbookPiece.objects.values_list("stored_size", flat=True)
        )

    kept_whole = sum(len(blobs[i % len(blobs)][1]) for i in range(len(requests)))
    media = stored()
    print(
        f"media: {len(requests)} submissions kept whole would take {kept_whole / 1048576:.1f} MB; "
        f"stored {media / 1048576:.2f} MB ({len(blobs)} distinct files, {WorkbookPiece.objects.count()} shared pieces)"
    )
    own = [w.stored_size for w in StoredWorkbook.objects.all()]
    shared = sum(WorkbookPiece.objects.values_list("stored_size", flat=True))
    per_file = statistics.mean(own)
    raw_kb = statistics.mean(len(b) for _n, b in blobs) / 1024
    projected = (shared + 20_000 * per_file) / 1024**3
    print(
        f"  generated files: {per_file / 1024:.0f} KB stored per distinct file (raw {raw_kb:.0f} KB)"
        f" -> 20,000 distinct files a year: {projected:.2f} GB (target < 8 GB)"
    )
    real = sorted((FIXTURES / "filled").glob("*.xlsx"))
    if real:
        before = stored()
        raw = sum(p.stat().st_size for p in real)
        for path in real:
            workbooks.store_workbook(path.read_bytes())
        added = stored() - before
        print(
            f"  real supplier files (Excel-saved, {len(real)}): {raw / len(real) / 1024:.0f} KB raw, "
            f"{added / len(real) / 1024:.0f} KB stored each -> 20,000 such files: {20_000 * added / len(real) / 1024**3:.1f} GB"
        )


def each_timed(fn, items) -> list[float]:
    """Seconds of each call, one item at a time (a decision a person makes, one transaction each)."""
    seconds = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        seconds.append(time.perf_counter() - start)
    return seconds


def spread(seconds: list[float]) -> str:
    """Median and mean in ms: the median is the headline (one autovacuum pass or collection does not move it)."""
    if not seconds:
        return "none"
    return f"median {statistics.median(seconds) * 1000:.1f} ms (mean {statistics.mean(seconds) * 1000:.1f} ms)"


def reviewer_client(actor):
    """Django's test client with the reviewer's session, as the web process serves a logged-in browser."""
    from django.test import Client

    client = Client()
    client.force_login(actor)
    return client


def accept_through_the_page(client, submission) -> None:
    from django.urls import reverse

    response = client.post(reverse("minerals:submission_accept", kwargs={"submission_pk": submission.pk}), {"comment": ""})
    assert response.status_code == 302, (response.status_code, submission.pk)
    shown(client)


def shown(client) -> None:
    """The page the browser is sent to next shows the decision's message and so clears it; the bench does not open
    that page, so it drops the message itself. Left, the messages pile up: past the cookie's 2 KB Django moves them
    into the session, read and written again by every later request (accepting through the page on PostgreSQL took
    23.6 ms with 750 messages piled up, 15.6 ms without, in two runs of the same day)."""
    client.cookies.pop("messages", None)


def confirm_through_the_page(client, submission) -> None:
    from django.urls import reverse

    url = reverse("minerals:submission_confirm_company", kwargs={"submission_pk": submission.pk})
    response = client.post(url, {"reason": "bench: one file for many suppliers"})
    assert response.status_code == 302, (response.status_code, submission.pk)
    shown(client)


def statements_of(call) -> list[tuple[str, tuple, bool]]:
    """The statements one call sends through Django: (SQL, parameters, sent inside a transaction)."""
    from django.db import connection

    sent = []

    def keep(execute, sql, params, many, context):
        assert not many, sql  # a decision sends no executemany
        sent.append((sql, tuple(params or ()), connection.in_atomic_block))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        call()
    return sent


def bare_driver(statements, runs: int) -> list[float]:
    """The same statements sent again on the driver's own connection (psycopg or sqlite3), without Django: each run
    the transaction as Django opened and committed it, the statements outside it in autocommit. Seconds per run.
    What a decision cannot go under on this database, whatever the ORM above it does."""
    from django.db import connection
    from django.db.backends.sqlite3.base import FORMAT_QMARK_REGEX

    raw = connection.connection
    postgres = connection.vendor == "postgresql"
    if not postgres:
        statements = [(FORMAT_QMARK_REGEX.sub("?", sql).replace("%%", "%"), p, t) for sql, p, t in statements]
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        cursor, inside = raw.cursor(), False
        for sql, params, in_transaction in statements:
            if in_transaction != inside:
                if inside:
                    raw.commit()
                if postgres:
                    raw.autocommit = not in_transaction  # psycopg sends BEGIN with the next statement
                inside = in_transaction
            cursor.execute(sql, params)
            if cursor.description:
                cursor.fetchall()
        if inside:
            raw.commit()
            if postgres:
                raw.autocommit = True
        cursor.close()
        seconds.append(time.perf_counter() - start)
    return seconds


def floor_line(what: str, statements) -> str:
    """One line: the decision's statements (SQLite's BEGIN, which Django sends as a statement, not counted) and the
    bare driver's median and mean for them, in ms to the microsecond."""
    counted = [t for sql, _params, t in statements if not sql.startswith("BEGIN")]
    floor = bare_driver(statements, 200)[20:]
    return (
        f"  {what}: {len(counted)} statements ({sum(counted)} in its transaction), the same on the bare driver: "
        f"median {statistics.median(floor) * 1000:.3f} ms (mean {statistics.mean(floor) * 1000:.3f} ms)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=size(1000, 10))
    args = parser.parse_args()
    if not BLANK.exists():
        print(f"blank template missing: {BLANK}", file=sys.stderr)
        return 2
    setup_database()
    from django.conf import settings

    from supplyesg.minerals import company_names, services
    from supplyesg.minerals.bulk import SupplierIndex
    from supplyesg.minerals.campaigns import services as campaigns
    from supplyesg.minerals.cmrt import check_file
    from supplyesg.minerals.models import Submission, SubmissionSmelter

    work = Path(tempfile.mkdtemp(prefix="bench-cmrt-"))
    settings.MEDIA_ROOT = str(work / "media")
    try:
        start = time.perf_counter()
        paths = write_files(work)
        print(
            f"wrote {len(paths)} distinct CMRT 6.5 files (openpyxl) in {time.perf_counter() - start:.1f} s "
            f"({statistics.mean(p.stat().st_size for p in paths) / 1048576:.1f} MB each, "
            f"{4 * (SMELTERS_PER_METAL + 2)} smelter rows each)"
        )
        blobs = [(p.name, p.read_bytes()) for p in paths]
        services.load_smelter_list(BLANK)
        reference = services.check_reference()
        actor, campaign, requests = make_campaign(args.files)

        start = time.perf_counter()
        for name, data in blobs * 3:
            check_file(data, reference=reference, filename=name)
        baseline = (time.perf_counter() - start) / (3 * len(blobs))

        start = time.perf_counter()
        with StatementCounter() as queries:
            for i, request_obj in enumerate(requests):
                name, data = blobs[i % len(blobs)]
                campaigns.submit_declaration(
                    request_obj,
                    data=data,
                    file_name=name,
                    actor=actor,
                    channel=Submission.Channel.BULK,
                    reference=reference,
                )
        total = time.perf_counter() - start
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        per_file = total / len(requests)
        print(
            f"\nimport {len(requests)} files (parse, validate, match, store): {total:.1f} s, "
            f"{len(requests) / total:.1f} files/s, {per_file * 1000:.0f} ms/file, "
            f"{queries.count / len(requests):.1f} queries/file"
        )
        print(
            f"baseline check_file alone (same bytes, same reference): {baseline * 1000:.0f} ms/file "
            f"-> storing adds x{per_file / baseline:.2f}"
        )
        print(
            f"stored: {Submission.objects.count()} submissions, "
            f"{SubmissionSmelter.objects.count()} smelter rows; "
            f"max RSS {rss_mb:.0f} MB"
        )

        media_report(blobs, requests)

        sample = requests[:100]
        tracemalloc.start()
        for i, request_obj in enumerate(sample):
            name, data = blobs[i % len(blobs)]
            campaigns.submit_declaration(
                request_obj,
                data=data,
                file_name=name,
                actor=actor,
                channel=Submission.Channel.BULK,
                reference=reference,
            )
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"peak Python heap (tracemalloc) importing {len(sample)} more files: {peak / 1048576:.1f} MB")

        index = SupplierIndex.for_campaign(campaign)
        names = [f"Bench Supplyer {i:05d} Company" for i in range(0, len(requests), max(1, len(requests) // 200))]
        start = time.perf_counter()
        outcomes = [index.assign(n).outcome for n in names]
        assign = (time.perf_counter() - start) / len(names)
        tally = ", ".join(f"{outcomes.count(k)} {k}" for k in ("assigned", "uncertain", "unassigned"))
        print(f"assigning a near-miss company name among {len(requests)} suppliers: {assign * 1000:.1f} ms/file ({tally})")

        valid = list(Submission.objects.filter(status=Submission.Status.VALID).order_by("pk"))

        def confirm(s) -> None:
            # One file serves many suppliers here, so its company name is confirmed as staff would.
            finding = company_names.open_finding(s)
            if finding is not None:
                company_names.confirm_company_name(finding, actor=actor, reason="bench: one file for many suppliers")

        # Half through the service, half through the submission page's Confirm button (a POST with the reason).
        # The first file's statements are kept, to be sent again without Django at the end (the floor).
        half = len(valid) // 2
        quarter = half // 2
        client = reviewer_client(actor)
        confirm_statements = statements_of(lambda: confirm(valid[0]))
        confirming = each_timed(confirm, valid[1:half])
        confirming_page = each_timed(lambda s: confirm_through_the_page(client, s), valid[half:])
        print(f"confirmed {len(confirming)} company names one by one (the service): {spread(confirming)}")
        print(
            f"confirmed {len(confirming_page)} company names one by one through the submission page's Confirm "
            f"button (POST, answered by a redirect): {spread(confirming_page)}"
        )
        accept_statements = statements_of(lambda: campaigns.accept_submission(valid[0], actor=actor))
        one_by_one = each_timed(lambda s: campaigns.accept_submission(s, actor=actor), valid[1:quarter])
        # The same decision as a reviewer makes it: the submission page's Accept button (a POST through the
        # middleware, the access check and the view, answered by a redirect), as the web process serves it.
        through_page = each_timed(lambda s: accept_through_the_page(client, s), valid[quarter:half])
        start = time.perf_counter()
        for first in range(half, len(valid), 500):  # selections of 500, as the campaign page's bulk bar posts them
            done = campaigns.accept_submissions([s.pk for s in valid[first : first + 500]], actor=actor)
            assert not done.refused, done.refused[:3]
        in_bulk = (time.perf_counter() - start) / max(len(valid) - half, 1)
        print(
            f"accepted {len(through_page)} valid submissions one by one through the submission page's Accept button "
            f"(POST, answered by a redirect): {spread(through_page)}"
        )
        print(
            f"accepted {len(one_by_one)} valid submissions one by one (the service): {spread(one_by_one)}; "
            f"{len(valid) - half} in selections of 500: {in_bulk * 1000:.2f} ms each "
            f"(x{statistics.mean(one_by_one) / in_bulk:.0f} cheaper than one by one); "
            f"{Submission.objects.filter(status='accepted').count()} accepted, "
            f"{Submission.objects.filter(status='invalid').count()} invalid"
        )
        # The floor under those figures: the first decision's own statements sent again on the driver's
        # connection. Its finding and its file are decided already; the statements still read, lock and write the
        # same rows (the same values again, one more audit event each run).
        print("one decision's statements sent again on the driver's own connection, without Django (180 runs):")
        print(floor_line("confirm a company name", confirm_statements))
        print(floor_line("accept a file", accept_statements))
        try:
            from supplyesg.minerals.aggregation import company_smelters, unresolved_names
        except ImportError:
            print("aggregation: supplyesg.minerals.aggregation.company_smelters does not exist; not measured")
        else:
            with StatementCounter() as agg_queries:
                start = time.perf_counter()
                smelters = company_smelters(2025, "CMRT")
                unresolved = unresolved_names(2025, "CMRT")
                took = time.perf_counter() - start
            print(
                f"aggregation company_smelters + unresolved_names over "
                f"{SubmissionSmelter.objects.count()} rows: "
                f"{took * 1000:.0f} ms, {agg_queries.count} queries, {len(smelters)} distinct smelters, "
                f"{len(unresolved)} unresolved names"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
