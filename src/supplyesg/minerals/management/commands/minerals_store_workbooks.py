"""`supplyesg minerals_store_workbooks`: move declaration files kept whole (before the workbook store) into it."""

from django.core.management.base import BaseCommand

from supplyesg.minerals.workbooks import store_existing


class Command(BaseCommand):
    help = (
        "Store every declaration file kept whole once, deduplicated and compressed (the original bytes are "
        "restored on download), and remove the whole copies. Safe to run again."
    )

    def handle(self, *args, **options):
        moved, missing, freed = store_existing()
        self.stdout.write(f"{moved} file(s) moved into the workbook store ({freed / 1048576:.1f} MB kept whole before)")
        if missing:
            self.stdout.write(f"{missing} file(s) were no longer in storage and stay as they are")
