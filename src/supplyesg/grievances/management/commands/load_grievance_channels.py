from django.core.management.base import BaseCommand

from supplyesg.grievances.defaults import load_default_channels


class Command(BaseCommand):
    help = "Create the default grievance channels and their first rules of procedure where missing."

    def handle(self, *args, **options):
        self.stdout.write(f"{load_default_channels()} grievance channel(s) created.")
