"""Forms of the minerals outputs: year/template selection, smelter filters, the company declaration."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from supplyesg.core.files import validate_upload
from supplyesg.core.matching.countries import country_name
from supplyesg.minerals.aggregation import FLAG_LABELS, metal_label
from supplyesg.minerals.declaration import (
    COMPANY_FIELD_LABELS,
    COMPANY_QUESTION_TEXT,
    MAX_YEAR,
    MIN_YEAR,
    QUESTION_TEXT,
    SCOPES,
    Effective,
    offered_minerals,
)
from supplyesg.minerals.models import Metal, TemplateType


class OutputFilterForm(forms.Form):
    year = forms.IntegerField(
        label=_("Reporting year"), min_value=MIN_YEAR, max_value=MAX_YEAR, required=False
    )
    template = forms.ChoiceField(label=_("Template"), choices=TemplateType.choices, required=False)


class CompanySmelterFilterForm(OutputFilterForm):
    metal = forms.ChoiceField(
        label=_("Metal"), required=False, choices=[("", _("All metals"))] + list(Metal.choices)
    )
    concern = forms.BooleanField(label=_("Smelters of concern only"), required=False)


class RedFlagFilterForm(OutputFilterForm):
    """The dashboard's year/template plus the red-flag filters: kind, metal, supplier name, country."""

    kind = forms.ChoiceField(
        label=_("Red flag"), required=False, choices=[("", _("All red flags"))] + list(FLAG_LABELS.items())
    )
    metal = forms.ChoiceField(
        label=_("Metal"), required=False, choices=[("", _("All metals"))] + list(Metal.choices)
    )
    supplier = forms.CharField(label=_("Supplier"), required=False, max_length=100)
    country = forms.ChoiceField(label=_("Country"), required=False)

    def __init__(self, *args, countries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("All countries"))] + [(c, country_name(c) or c) for c in countries]


class BlankTemplateForm(forms.Form):
    blank = forms.FileField(
        label=_("Blank RMI template (.xlsx)"),
        help_text=_("The current CMRT or EMRT downloaded from the RMI website, not filled in."),
    )

    def clean_blank(self):
        upload = self.cleaned_data["blank"]
        try:
            validate_upload(upload, allowed=("xlsx",), field=_("blank template"))
        except ValidationError as exc:
            raise ValidationError(exc.messages)
        return upload


def _answer_field(label, allowed, derived: str, required=False) -> forms.ChoiceField:
    """A select whose empty choice means "use the proposal", which it shows."""
    empty = _("Proposed: %(answer)s") % {"answer": derived} if derived else _("— no proposal —")
    return forms.ChoiceField(
        label=label, required=required, choices=[("", empty)] + [(a, a) for a in allowed]
    )


class DeclarationForm(forms.Form):
    """The company block, company questions and per-metal answers. Per-metal fields are named
    ``answer_<Metal>_<qN>``; company questions ``company_<key>`` (EMRT C: ``company_C_<Metal>``)."""

    company_name = forms.CharField(max_length=200, required=False)
    scope = forms.ChoiceField(choices=[("", "—")] + list(SCOPES), required=False)
    scope_description = forms.CharField(max_length=500, required=False)
    products = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_('Scope B: one product per line, "number | name".'),
    )
    company_id = forms.CharField(max_length=100, required=False)
    company_id_authority = forms.CharField(max_length=200, required=False)
    address = forms.CharField(max_length=500, required=False)
    contact_name = forms.CharField(max_length=200, required=False)
    contact_email = forms.EmailField(required=False)
    contact_phone = forms.CharField(max_length=50, required=False)
    authorizer_name = forms.CharField(max_length=200, required=False)
    authorizer_title = forms.CharField(max_length=200, required=False)
    authorizer_email = forms.EmailField(required=False)
    authorizer_phone = forms.CharField(max_length=50, required=False)
    effective_date = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Empty: the day of the export."),
    )
    policy_url = forms.URLField(max_length=500, required=False, assume_scheme="https")

    COMPANY_BLOCK = (
        "company_name", "scope", "scope_description", "products", "company_id", "company_id_authority",
        "address", "contact_name", "contact_email", "contact_phone", "authorizer_name", "authorizer_title",
        "authorizer_email", "authorizer_phone", "effective_date",
    )  # fmt: skip

    def __init__(self, *args, effective: Effective, **kwargs):
        self.effective = effective
        stored = effective.stored
        company = stored.get("company") or {}
        initial = {key: company.get(key, "") for key in COMPANY_FIELD_LABELS}
        initial["products"] = "\n".join(" | ".join(p) for p in stored.get("products") or [])
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for key, label in COMPANY_FIELD_LABELS.items():
            self.fields[key].label = label
        self.fields["products"].label = _("Products")
        layout = effective.layout
        derived = effective.derived
        if layout.mineral_slots:  # EMRT 2.x and AMRT: the minerals in scope are chosen
            self.fields["minerals"] = forms.MultipleChoiceField(
                label=_("Minerals in scope"),
                choices=[(m, metal_label(m)) for m in offered_minerals(effective.template)],
                required=False,
                widget=forms.CheckboxSelectMultiple,
                initial=effective.minerals,
                help_text=_("Proposed from this year's campaigns: %(minerals)s.")
                % {"minerals": ", ".join(derived.minerals) or "—"},
            )
        self.metal_headers = [metal_label(m) for m in effective.metals]
        overrides = stored.get("answers") or {}
        self.question_rows = []
        for question in layout.questions:
            cells = []
            for metal in effective.metals:
                name = f"answer_{metal}_{question.key}"
                self.fields[name] = _answer_field(
                    f"{metal_label(metal)} {question.key.upper()}",
                    question.allowed_for(metal),
                    derived.answers.get(metal, {}).get(question.key, ""),
                )
                self.initial.setdefault(name, (overrides.get(metal) or {}).get(question.key, ""))
                cells.append((metal, name, derived.reasons.get(metal, {}).get(question.key, "")))
            self.question_rows.append((question.key.upper(), QUESTION_TEXT[question.role], cells))
        stored_company = stored.get("company_answers") or {}
        self.company_question_names = []
        for cq in layout.company_questions:
            text = COMPANY_QUESTION_TEXT[cq.key]
            if cq.cell is None:
                per_metal = stored_company.get(cq.key) or {}
                for metal in effective.metals:
                    name = f"company_{cq.key}_{metal}"
                    allowed = cq.allowed_by_metal.get(metal, cq.allowed)
                    self.fields[name] = _answer_field(f"{cq.key} ({metal_label(metal)}): {text}", allowed, "")
                    self.initial.setdefault(
                        name, per_metal.get(metal, "") if isinstance(per_metal, dict) else ""
                    )
                    self.company_question_names.append(name)
            else:
                name = f"company_{cq.key}"
                self.fields[name] = _answer_field(
                    f"{cq.key}: {text}", cq.allowed, derived.company_answers.get(cq.key, "")
                )
                self.initial.setdefault(name, stored_company.get(cq.key, ""))
                self.company_question_names.append(name)
                if cq.key == "B":
                    self.company_question_names.append("policy_url")

    def company_fields(self):
        return [self[name] for name in self.COMPANY_BLOCK]

    def company_question_fields(self):
        return [self[name] for name in self.company_question_names]

    def answer_rows(self):
        """[(question number, text, [(metal, bound field, why it is proposed)])] for the template."""
        return [
            (number, text, [(metal_label(m), self[n], why) for m, n, why in cells])
            for number, text, cells in self.question_rows
        ]

    def clean_products(self):
        products = []
        for index, line in enumerate(self.cleaned_data["products"].splitlines(), start=1):
            if not line.strip():
                continue
            number, _sep, name = line.partition("|")
            if not number.strip():
                raise ValidationError(_("Line %(n)s has no product number.") % {"n": index})
            products.append([number.strip(), name.strip()])
        return products

    def clean_authorizer_name(self):
        name = self.cleaned_data["authorizer_name"].strip()
        if name.casefold() == "same":
            raise ValidationError(_('Name the person who authorises the declaration; "same" is not allowed.'))
        return name

    def clean(self):
        data = super().clean()
        if data.get("scope") == "C" and not data.get("scope_description"):
            self.add_error("scope_description", _("Describe the scope when it is C (user defined)."))
        return data

    def to_data(self) -> dict:
        """The cleaned form in the stored format of CompanyDeclaration.answers."""
        data = self.cleaned_data
        company = {key: data.get(key) or "" for key in COMPANY_FIELD_LABELS}
        if data.get("effective_date"):
            company["effective_date"] = data["effective_date"].isoformat()
        answers: dict[str, dict[str, str]] = {}
        for _number, _text, cells in self.question_rows:
            for metal, name, _why in cells:
                if data.get(name):
                    answers.setdefault(metal, {})[name.rsplit("_", 1)[1]] = data[name]
        company_answers: dict[str, object] = {}
        for name in self.company_question_names:
            if name == "policy_url" or not data.get(name):
                continue
            parts = name.split("_", 2)
            if len(parts) == 3:
                company_answers.setdefault(parts[1], {})[parts[2]] = data[name]
            else:
                company_answers[parts[1]] = data[name]
        out = {
            "company": company,
            "answers": answers,
            "company_answers": company_answers,
            "products": data["products"],
        }
        if "minerals" in self.fields:
            chosen = sorted(data.get("minerals") or [])
            out["minerals"] = [] if chosen == sorted(self.effective.derived.minerals) else chosen
        return out
