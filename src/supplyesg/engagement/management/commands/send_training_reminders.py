"""`supplyesg send_training_reminders`: remind suppliers that have not answered a training invitation (daily)."""

from django.core.management.base import BaseCommand

from supplyesg.engagement.services import invitations


class Command(BaseCommand):
    help = "Remind suppliers that have not registered for or declined an open training invitation."

    def handle(self, *args, **options):
        sent = invitations.send_reminders()
        self.stdout.write(f"{sent} training invitation reminders sent.")
