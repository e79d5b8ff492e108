"""Bench: what a receipt costs the server and a guesser, at the production Argon2id cost.

    DJANGO_SETTINGS_MODULE=supplyesg.settings_test .venv/bin/python -m bench.grievance_receipts [--repeat 10]

Baseline, in the same process: SHA-256 of a receipt (what a system storing a fast hash would pay per guess). Then
the Argon2id digest at the production cost (64 MiB, 3 passes; tests run a cheaper one), a report submitted through
`submit_report` and a follow-up page opened by receipt. The Argon2id ratio is the factor by which a database thief's
brute force per guess is slower than against a fast hash (and the salt is not in the database at all).
"""

from __future__ import annotations

import argparse
import hashlib

from django.test import override_settings

from bench.common import measure, print_table, setup_database


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    setup_database()
    from django.test import Client

    from supplyesg.grievances import crypto, keyring
    from supplyesg.grievances.defaults import load_default_channels
    from supplyesg.grievances.models import Channel
    from supplyesg.grievances.services.intake import submit_report

    load_default_channels()
    channel = Channel.objects.get(key="supplier-workers")
    receipt = crypto.new_receipt()
    salt = keyring.receipt_salt()
    baseline = measure("sha256(receipt) (baseline)", lambda: hashlib.sha256(receipt.encode()).hexdigest(), repeat=200)
    with override_settings(
        GRIEVANCE_ARGON2_MEMORY_KIB=64 * 1024,
        GRIEVANCE_ARGON2_ITERATIONS=3,
        GRIEVANCE_RECEIPT_TRIES_PER_HOUR=10**6,
        GRIEVANCE_REPORTS_PER_HOUR=10**6,
    ):
        rows = [measure("argon2id(receipt), 64 MiB x 3", lambda: crypto.receipt_digest(receipt, salt), repeat=args.repeat)]

        def submit():
            return submit_report(channel=channel, topic="wages_hours", subject="", description="Overtime is not paid.")

        rows.append(measure("submit_report (encrypt, digest)", submit, repeat=args.repeat))
        kept = submit_report(channel=channel, topic="wages_hours", subject="", description="Overtime is not paid.").receipt
        client = Client()
        rows.append(
            measure(
                "POST /grievance/follow/ by receipt",
                lambda: client.post("/grievance/follow/", {"receipt": kept}),
                repeat=args.repeat,
            )
        )
    print_table(rows, baseline)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
