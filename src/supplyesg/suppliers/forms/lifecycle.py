"""Forms for admission, documents, agreements, the blacklist, exit and profile-change reviews.

The rules live in the services; these forms only parse input and check uploaded files.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supplyesg.core.forms_errors import checked_upload
from supplyesg.suppliers.models import (
    AgreementType,
    BlacklistEntry,
    Certification,
    ExitRecord,
    QualificationItem,
)
from supplyesg.suppliers.models.compliance import DocumentType
from supplyesg.suppliers.models.lifecycle import Verdict

SCAN_EXTENSIONS = ("pdf", "png", "jpg", "jpeg")


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text(label, required=True, rows=3, **kwargs):
    widget = forms.Textarea(attrs={"rows": rows})
    return forms.CharField(label=label, required=required, widget=widget, **kwargs)


class TransitionForm(forms.Form):
    reason = _text(_("Reason"), required=False, max_length=2000)


class QualificationReviewForm(forms.Form):
    evidence = forms.FileField(label=_("Evidence file"), required=False)
    evidence_note = _text(_("Evidence note"), required=False, rows=2)
    verdict = forms.ChoiceField(label=_("Verdict"), required=False)
    comment = _text(_("Comment"), required=False, rows=2)

    def __init__(self, *args, item: QualificationItem, **kwargs):
        kwargs.setdefault("auto_id", f"item{item.pk}_%s")
        super().__init__(*args, **kwargs)
        choices = [("", _("Keep the current verdict")), (Verdict.PASS, Verdict.PASS.label),
                   (Verdict.FAIL, Verdict.FAIL.label)]
        if item.kind in QualificationItem.OPTIONAL_KINDS:
            choices.append((Verdict.NOT_APPLICABLE, Verdict.NOT_APPLICABLE.label))
        self.fields["verdict"].choices = choices

    def clean_evidence(self):
        return checked_upload(self.cleaned_data.get("evidence"), "evidence")

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if not (data.get("evidence") or (data.get("evidence_note") or "").strip() or data.get("verdict")):
            raise forms.ValidationError(_("Attach evidence, write a note or choose a verdict."))
        return data


class CertificationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Certification"), choices=Certification.Kind.choices)
    category = forms.ModelChoiceField(label=_("Category (material certification)"), queryset=None,
                                      required=False)
    verdict = forms.ChoiceField(label=_("Verdict"), choices=[(Verdict.PASS, Verdict.PASS.label),
                                                              (Verdict.FAIL, Verdict.FAIL.label)])
    note = _text(_("Note"), required=False, rows=2)
    evidence = forms.FileField(label=_("Evidence file"), required=False)

    def __init__(self, *args, supplier, **kwargs):
        kwargs.setdefault("auto_id", "cert_%s")
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = supplier.categories.all()

    def clean_evidence(self):
        return checked_upload(self.cleaned_data.get("evidence"), "evidence")


class DocumentUploadForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("Type"), choices=DocumentType.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    issue_date = forms.DateField(label=_("Issue date"), required=False, widget=_date_input())
    expiry_date = forms.DateField(label=_("Expiry date"), required=False, widget=_date_input(),
                                  help_text=_("Leave empty if the document does not expire."))
    file = forms.FileField(label=_("File"))

    def clean_file(self):
        return checked_upload(self.cleaned_data.get("file"), "file")


class WaiverForm(forms.Form):
    """AIKO admission: a missing mandatory document waived with a reason until a date."""

    doc_type = forms.ChoiceField(label=_("Document"), choices=DocumentType.choices)
    reason = _text(_("Reason"), max_length=2000)
    expires_on = forms.DateField(label=_("Waived until"), widget=_date_input())


class ReasonForm(forms.Form):
    """A bare reason, for removing a document or lifting a ban."""

    reason = _text(_("Reason"), max_length=2000)


class SignedScanForm(forms.Form):
    agreement_type = forms.ModelChoiceField(label=_("Agreement"), queryset=AgreementType.objects.all())
    signer_name = forms.CharField(label=_("Signer name"), max_length=150)
    signer_title = forms.CharField(label=_("Signer title"), max_length=150)
    signed_at = forms.DateField(label=_("Signed on"), widget=_date_input(), initial=timezone.localdate)
    scan = forms.FileField(label=_("Signed scan"), help_text=_("PDF, PNG or JPEG."))

    def clean_scan(self):
        return checked_upload(self.cleaned_data.get("scan"), "scan", allowed=SCAN_EXTENSIONS)


class BlacklistForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=BlacklistEntry.Reason.choices)
    details = _text(_("Details"), rows=4)
    permanent = forms.BooleanField(label=_("Permanent ban"), required=False)
    until = forms.DateField(label=_("Banned until"), required=False, widget=_date_input(),
                            help_text=_("For a temporary ban: the last day of the ban."))
    evidence = forms.FileField(label=_("Evidence file"), required=False)

    def clean_evidence(self):
        return checked_upload(self.cleaned_data.get("evidence"), "evidence")


class ExitForm(forms.Form):
    reason = _text(_("Reason"), max_length=2000)
    exit_date = forms.DateField(label=_("Exit date"), widget=_date_input(), initial=timezone.localdate)
    open_items = forms.ChoiceField(label=_("Open items"), choices=ExitRecord.OpenItems.choices,
                                   widget=forms.RadioSelect)
    open_items_note = _text(_("What happens to open items"), required=False, rows=2)


class BlacklistFilterForm(forms.Form):
    IN_FORCE, ALL = "in_force", "all"

    state = forms.ChoiceField(label=_("Show"), required=False,
                              choices=[(IN_FORCE, _("Bans in force")),
                                       (ALL, _("All entries, lifted and ended too"))])
    reason = forms.ChoiceField(label=_("Reason"), required=False,
                               choices=[("", _("Any reason"))] + list(BlacklistEntry.Reason.choices))


class ChangeReviewForm(forms.Form):
    APPROVE, REJECT = "approve", "reject"

    decision = forms.ChoiceField(choices=[(APPROVE, _("Approve")), (REJECT, _("Reject"))])
    comment = _text(_("Comment"), required=False, rows=2)
