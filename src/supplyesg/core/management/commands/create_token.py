"""`supplyesg create_token USERNAME NAME`: a new API token for an ERP integration, printed once on standard output."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from supplyesg.core import services
from supplyesg.core.models import ApiToken


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print it (only its hash is stored). The creation is audited."

    def add_arguments(self, parser):
        parser.add_argument("username", help="The user whose permissions the token carries.")
        parser.add_argument("name", help="What the token is for, e.g. 'ERP purchase-order check'.")

    def handle(self, *args, username, name, **options):
        name = name.strip()
        max_length = ApiToken._meta.get_field("name").max_length
        if not name or len(name) > max_length:
            raise CommandError(_("NAME: give the token a name of 1 to %(max)s characters.") % {"max": max_length})
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("USERNAME: there is no user %(username)r.") % {"username": username})
        if not user.is_active:
            raise CommandError(_("USERNAME: %(username)r is deactivated; a token would not work.") % {"username": username})
        token, raw = services.create_api_token(user=user, name=name, actor=None)
        self.stderr.write(
            _("Token %(name)r for %(username)s created; it is shown once:") % {"name": token.name, "username": user.username}
        )
        self.stdout.write(raw)
