"""`supplyesg minerals_verify_store`: check that every stored declaration workbook rebuilds to its SHA-256."""

from django.core.management.base import BaseCommand, CommandError

from supplyesg.minerals.workbooks import verify_stored


class Command(BaseCommand):
    help = (
        "Rebuild every stored declaration workbook and check it against its SHA-256. Run it after moving to "
        "another host or restoring a backup: format 2 rebuilds members with this host's zlib. Exits non-zero "
        "when any file fails, listing them."
    )

    def handle(self, *args, **options):
        result = verify_stored()
        versions = ", ".join(f"{v} ({n})" for v, n in sorted(result.zlib_versions.items())) or "none"
        formats = ", ".join(f"format {f}: {n}" for f, n in sorted(result.formats.items())) or "none"
        self.stdout.write(
            f"{result.checked} stored workbook(s) checked ({formats}); zlib here {result.host_zlib}, when stored: {versions}"
        )
        for sha, why in result.damaged:
            self.stdout.write(f"DAMAGED {sha}: {why}")
        if result.damaged:
            raise CommandError(
                f"{len(result.damaged)} of {result.checked} stored workbook(s) do not rebuild to their SHA-256; "
                "restore the store from a backup, or run on a host whose zlib deflates alike"
            )
        self.stdout.write(f"all {result.checked} rebuild exactly")
