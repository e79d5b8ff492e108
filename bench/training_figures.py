"""The yearly training figures over a large year, and an LMS import of xAPI statements.

Run from the repository root (in-memory SQLite of the test settings; the script migrates it itself):
    DJANGO_SETTINGS_MODULE=supplyesg.settings_test .venv/bin/python -m bench.training_figures [--attendances N]

The year: 2,000 suppliers, 200 sessions, N attendances (default 100,000; a fifth absent or only registered),
N/5 survey answers and 2,000 cascade reports. Figures: `queries.year_figures` (the page and the export) against
the baseline of reading the year's attendance rows alone (the least any count of them can do). Import: 2,000
xAPI statements of known learners, first import and the same file again (every row unchanged), against the
baseline of only parsing the file (`lms.read_xapi`). Ratios compare across machines.
"""

import argparse
import datetime as dt
import json
from decimal import Decimal

from bench.common import make_suppliers, make_user, measure, print_table, setup_database

YEAR = 2026


def build_year(n_attendances: int):
    from supplyesg.core.models import Role, User
    from supplyesg.engagement.models import Attendance, CascadeReport, Course, Feedback, Invitation, Session, TrainingCampaign

    ids = make_suppliers(2000)
    course = Course.objects.create(code="RBA-101", title="RBA Code", hours=Decimal("2"), pass_mark=80)
    start = dt.datetime(YEAR, 1, 5, 2, 0, tzinfo=dt.UTC)
    sessions = Session.objects.bulk_create(
        [
            Session(course=course, starts_at=start + dt.timedelta(days=i), ends_at=start + dt.timedelta(days=i, hours=2))
            for i in range(200)
        ]
    )
    campaigns = TrainingCampaign.objects.bulk_create(
        [TrainingCampaign(session=s, name=f"c{s.pk}", due_date=s.starts_at.date(), status="open") for s in sessions]
    )
    Invitation.objects.bulk_create(
        [
            Invitation(campaign=c, supplier_id=ids[(i * 7 + k) % len(ids)], status="invited")
            for i, c in enumerate(campaigns)
            for k in range(40)
        ],
        batch_size=5000,
        ignore_conflicts=True,
    )
    statuses = ("attended",) * 4 + ("absent", "registered")
    Attendance.objects.bulk_create(
        [
            Attendance(
                course=course,
                session=sessions[i % 200],
                supplier_id=ids[i % len(ids)],
                person_name=f"P{i}",
                status=statuses[i % 6],
                held_on=sessions[i % 200].starts_at.date(),
                hours=Decimal("2"),
                completed=i % 3 != 0,
                score=Decimal(50 + i % 50),
                passed=(50 + i % 50) >= 80,
            )
            for i in range(n_attendances)
        ],
        batch_size=5000,
    )
    Feedback.objects.bulk_create(
        [Feedback(session=sessions[i % 200], supplier_id=ids[i % len(ids)], rating=1 + i % 5) for i in range(n_attendances // 5)],
        batch_size=5000,
    )
    CascadeReport.objects.bulk_create(
        [
            CascadeReport(
                supplier_id=pk,
                period_start=dt.date(YEAR, 1, 1),
                period_end=dt.date(YEAR, 6, 30),
                topic="RBA",
                people_trained=10,
                subtier_people_trained=20,
                subtier_suppliers_reached=2,
                hours=Decimal("8"),
            )
            for pk in ids
        ],
        batch_size=5000,
    )
    learners = [
        User(username=f"learner{i}", role=Role.SUPPLIER, supplier_id=ids[i], email=f"learner{i}@example.com") for i in range(2000)
    ]
    User.objects.bulk_create(learners, batch_size=2000)


def statements(n: int) -> bytes:
    return json.dumps(
        [
            {
                "id": f"st-{i}",
                "actor": {"mbox": f"mailto:learner{i % 2000}@example.com", "name": f"Learner {i}"},
                "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"},
                "object": {"id": "https://lms.example.com/course/RBA-101"},
                "timestamp": f"{YEAR}-03-31T08:00:00Z",
                "result": {"score": {"scaled": 0.9}, "duration": "PT1H30M"},
            }
            for i in range(n)
        ]
    ).encode()


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--attendances", type=int, default=100_000)
    args = parser.parse_args(argv)
    setup_database()
    from supplyesg.core.models import Role
    from supplyesg.engagement import lms, queries
    from supplyesg.engagement.models import Attendance
    from supplyesg.engagement.services import lms_import

    build_year(args.attendances)
    print(f"== figures of a year with {args.attendances:,} attendances")
    baseline = measure(
        "baseline: read the year's attendance rows",
        lambda: list(Attendance.objects.in_year(YEAR).values_list("supplier_id", "status")),
        repeat=5,
    )
    figures = measure("year_figures (page, export)", lambda: queries.year_figures(YEAR), repeat=5)
    print_table([figures], baseline)
    f = queries.year_figures(YEAR)
    print(f"   person-times {f.person_times:,}, hours {f.hours}, completion {f.completion_rate}%, pass {f.pass_rate}%")

    print("== LMS import of 2,000 xAPI statements")
    actor = make_user(Role.COMPLIANCE, "bench-compliance")
    data = statements(2000)
    parse = measure("baseline: parse the file (lms.read_xapi)", lambda: lms.read_xapi(data), repeat=5)
    first = measure(
        "first import (2,000 created)",
        lambda: lms_import.import_completions(actor=actor, kind="xapi", data=data),
        repeat=1,
        warmup=0,
    )
    again = measure(
        "same file again (2,000 unchanged)",
        lambda: lms_import.import_completions(actor=actor, kind="xapi", data=data),
        repeat=3,
        warmup=0,
    )
    print_table([first, again], parse)


if __name__ == "__main__":
    main()
