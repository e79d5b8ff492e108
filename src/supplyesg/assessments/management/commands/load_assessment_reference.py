"""`supplyesg load_assessment_reference`: the requirement catalogue, the self-assessment template, and the
country and category risk data. Safe to run again: nothing already loaded changes, and risk scores edited in
the admin are kept. All or nothing: a bad file stops the command before anything is written.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from supplyesg.assessments.catalogue import (
    CATALOGUE_FILE,
    TEMPLATE_FILE,
    load_catalogue,
    load_template,
    read_data_file,
)
from supplyesg.assessments.risk.reference import CATEGORY_RISK_FILE, COUNTRY_RISK_FILE, load_category_risk, load_country_risk
from supplyesg.core.errors import RuleViolation


class Command(BaseCommand):
    help = ("Load the requirement catalogue, the supplier self-assessment template and the country and "
            "category risk data (run `supplyesg load_reference` first for the categories). Safe to rerun.")

    def add_arguments(self, parser):
        parser.add_argument("--catalogue", default=str(CATALOGUE_FILE), help="requirement catalogue JSON")
        parser.add_argument("--template", default=str(TEMPLATE_FILE), help="questionnaire template JSON file")
        parser.add_argument("--countries", default=str(COUNTRY_RISK_FILE), help="country risk JSON file")
        parser.add_argument("--categories", default=str(CATEGORY_RISK_FILE), help="category risk JSON file")

    def handle(self, *args, **options):
        steps = ((load_catalogue, options["catalogue"]), (load_template, options["template"]),
                 (load_country_risk, options["countries"]), (load_category_risk, options["categories"]))
        try:
            with transaction.atomic():
                results = [(path, loader(read_data_file(path), actor=None)) for loader, path in steps]
        except RuleViolation as exc:
            raise CommandError("\n".join([_("Nothing was loaded."), *exc.messages]))
        for path, result in results:
            self.stdout.write(f"{result.summary()}  [{path}]")
            for line in result.lines:
                self.stdout.write("  " + line)
        self.stdout.write(self.style.SUCCESS(_("Assessment reference data is loaded.")))
