"""Forms of the engagement pages; the services check the rules and name the field of each problem."""

from django import forms
from django.utils.translation import gettext_lazy as _

from supplyesg.assessments.models import Requirement, RiskCategory
from supplyesg.core.forms_errors import checked_upload
from supplyesg.engagement.models import Course, Programme, Session
from supplyesg.suppliers.forms.pickers import SupplierCodeField, SupplierCodesField
from supplyesg.suppliers.models import Category, Supplier


class DateInput(forms.DateInput):
    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class CourseForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40, help_text=_("The course's id or short name in your LMS."))
    title = forms.CharField(label=_("Title"), max_length=200)
    language = forms.ChoiceField(label=_("Language"), choices=[("zh-hans", _("Simplified Chinese")), ("en", _("English"))])
    hours = forms.DecimalField(label=_("Hours"), min_value=0, max_digits=6, decimal_places=2)
    pass_mark = forms.IntegerField(
        label=_("Pass mark (%)"), required=False, min_value=0, max_value=100, help_text=_("Empty: no test.")
    )
    area = forms.ChoiceField(label=_("Area"), required=False, choices=[("", "—"), *RiskCategory.choices])
    requirements = forms.ModelMultipleChoiceField(
        label=_("Requirements taught"),
        required=False,
        queryset=Requirement.objects.order_by("catalogue", "order", "code"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class MaterialForm(forms.Form):
    version = forms.CharField(label=_("Version"), max_length=30)
    issued_on = forms.DateField(label=_("Date"), widget=DateInput)
    file = forms.FileField(label=_("File"))

    def clean_file(self):
        return checked_upload(self.cleaned_data.get("file"), "file")


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    courses = forms.ModelMultipleChoiceField(
        label=_("Courses"),
        required=False,
        queryset=Course.objects.filter(is_active=True),
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )


class SessionForm(forms.Form):
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.filter(is_active=True))
    programme = forms.ModelChoiceField(label=_("Programme"), required=False, queryset=Programme.objects.all())
    mode = forms.ChoiceField(label=_("Mode"), choices=Session.Mode.choices)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DateTimeInput)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DateTimeInput)
    trainer = forms.CharField(label=_("Trainer"), required=False, max_length=200)
    venue = forms.CharField(label=_("Venue or link"), required=False, max_length=300)
    capacity = forms.IntegerField(label=_("Capacity"), required=False, min_value=1, help_text=_("Empty: no limit."))


class InvitationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    due_date = forms.DateField(label=_("Register by"), widget=DateInput)
    everyone = forms.BooleanField(label=_("Every approved supplier"), required=False)
    tiers = forms.TypedMultipleChoiceField(
        label=_("Tiers"), required=False, coerce=int, choices=Supplier.Tier.choices, widget=forms.CheckboxSelectMultiple
    )
    categories = forms.ModelMultipleChoiceField(label=_("Categories"), required=False, queryset=Category.objects.all())
    countries = forms.CharField(
        label=_("Countries"), required=False, max_length=200, help_text=_("Two-letter codes separated by commas, e.g. CN, VN.")
    )
    # By code, not a select of every approved supplier (suppliers/forms/pickers.py).
    suppliers = SupplierCodesField(label=_("Suppliers by code"), required=False)

    def clean_countries(self):
        return [c.strip().upper() for c in self.cleaned_data["countries"].split(",") if c.strip()]


class AttendeeForm(forms.Form):
    supplier = SupplierCodeField(label=_("Supplier code"))
    person_name = forms.CharField(label=_("Name"), max_length=200)
    role = forms.CharField(label=_("Role"), required=False, max_length=100)


class AttendanceForm(forms.Form):
    attended = forms.TypedChoiceField(
        label=_("Attendance"), coerce=lambda v: v == "yes", choices=[("yes", _("Attended")), ("no", _("Absent"))]
    )
    hours = forms.DecimalField(label=_("Hours"), required=False, min_value=0, max_digits=6, decimal_places=2)
    completed = forms.BooleanField(label=_("Completed"), required=False)
    score = forms.DecimalField(label=_("Score (%)"), required=False, min_value=0, max_value=100, decimal_places=2)
    certificate_number = forms.CharField(label=_("Certificate number"), required=False, max_length=60)
    certificate = forms.FileField(label=_("Certificate"), required=False)

    def clean_certificate(self):
        return checked_upload(self.cleaned_data.get("certificate"), "certificate")


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Format"), choices=[("xapi", _("xAPI statements (JSON)")), ("moodle", _("Moodle course completion report (CSV)"))]
    )
    file = forms.FileField(label=_("File"))


class AnnouncementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}))


class ParticipantsForm(forms.Form):
    """Up to five people per submission (submit again for more)."""

    ROWS = 5

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, self.ROWS + 1):
            self.fields[f"name_{n}"] = forms.CharField(label=_("Name %(n)s") % {"n": n}, required=n == 1, max_length=200)
            self.fields[f"role_{n}"] = forms.CharField(label=_("Role %(n)s") % {"n": n}, required=False, max_length=100)
            self.fields[f"email_{n}"] = forms.EmailField(label=_("E-mail %(n)s") % {"n": n}, required=False)

    def people(self) -> list[dict]:
        return [{k: self.cleaned_data.get(f"{k}_{n}", "") for k in ("name", "role", "email")} for n in range(1, self.ROWS + 1)]


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How useful was the training?"),
        coerce=int,
        widget=forms.RadioSelect,
        choices=[(5, _("5 – very good")), (4, _("4 – good")), (3, _("3 – fair")), (2, _("2 – poor")), (1, _("1 – very poor"))],
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class CascadeForm(forms.Form):
    topic = forms.CharField(label=_("Topic"), max_length=200)
    period_start = forms.DateField(label=_("From"), widget=DateInput)
    period_end = forms.DateField(label=_("To"), widget=DateInput)
    people_trained = forms.IntegerField(label=_("People trained in your company"), min_value=0)
    subtier_people_trained = forms.IntegerField(label=_("People trained at your suppliers"), min_value=0, initial=0)
    subtier_suppliers_reached = forms.IntegerField(label=_("Your suppliers reached"), min_value=0, initial=0)
    hours = forms.DecimalField(label=_("Training hours in total"), min_value=0, max_digits=8, decimal_places=1, initial=0)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
