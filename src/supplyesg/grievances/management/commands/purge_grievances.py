from django.core.management.base import BaseCommand

from supplyesg.grievances.services.retention import purge_reports


class Command(BaseCommand):
    help = "Delete closed grievance reports past their retention (crypto-shredding), with a content-free deletion log."

    def handle(self, *args, **options):
        count = purge_reports()
        self.stdout.write(f"{count} grievance report(s) deleted.")
