"""`supplyesg send_digests`: one e-mail per user who chose the daily digest, listing what was queued (run daily)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from supplyesg.core.mail import send_digests


class Command(BaseCommand):
    help = "Send each daily-digest reader one e-mail with everything queued for them; each item is sent once."

    def handle(self, *args, **options):
        count = send_digests()
        self.stdout.write(_("%(count)d digest(s) sent.") % {"count": count})
