"""`supplyesg minerals_store_workbooks`: move declaration files kept whole (before the workbook store) into it,
and with --repack rewrite records of the first stored format in the current one."""

from django.core.management.base import BaseCommand

from supplyesg.minerals.workbooks import repack_stored, store_existing


class Command(BaseCommand):
    help = (
        "Store every declaration file kept whole once, deduplicated and compressed (the original bytes are "
        "restored on download), and remove the whole copies. --repack also rewrites files stored in format 1 "
        "(compressed members) in format 2 (reflated members, deltas). Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repack", action="store_true", help="rewrite format 1 records in format 2")
        parser.add_argument("--batch", type=int, default=50, help="records read per query (default 50)")

    def handle(self, *args, **options):
        moved, missing, freed = store_existing()
        self.stdout.write(f"{moved} file(s) moved into the workbook store ({freed / 1048576:.1f} MB kept whole before)")
        if missing:
            self.stdout.write(f"{missing} file(s) were no longer in storage and stay as they are")
        if not options["repack"]:
            return
        result = repack_stored(batch=max(1, options["batch"]))
        self.stdout.write(
            f"{result.repacked} stored file(s) repacked in format 2: {result.before / 1048576:.1f} MB -> "
            f"{result.after / 1048576:.1f} MB of their own bytes"
        )
        if result.kept:
            self.stdout.write(f"{result.kept} file(s) do not rebuild in format 2 and stay in format 1")
        for sha in result.unreadable:
            self.stdout.write(f"DAMAGED {sha}: does not rebuild; left as it is (see minerals_verify_store)")
