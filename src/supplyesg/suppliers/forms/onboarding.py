"""Forms for fast onboarding: portal invitations, the whole qualification checklist at once, several files."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from supplyesg.core.forms_errors import checked_upload

MAX_FILES_PER_UPLOAD = 20  # a form limit, not a policy number: each file also meets MAX_UPLOAD_MB


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("The supplier's country decides"))] + list(settings.LANGUAGES),
        help_text=_("The language of the invitation and later e-mails, and of the portal."),
    )


# Django 5.2's documented pattern for a field taking several files:
# https://docs.djangoproject.com/en/5.2/topics/http/file-uploads/#uploading-multiple-files
class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, allowed=None, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        self.allowed = allowed
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single_file_clean = super().clean
        if isinstance(data, (list, tuple)):
            files = [single_file_clean(d, initial) for d in data if d]
        else:
            files = [single_file_clean(data, initial)] if data else []
        files = [f for f in files if f]
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(files) > MAX_FILES_PER_UPLOAD:
            raise forms.ValidationError(
                _("Send at most %(count)d files at once.") % {"count": MAX_FILES_PER_UPLOAD}, code="too_many"
            )
        errors = []
        for upload in files:
            try:
                checked_upload(upload, "file", allowed=self.allowed)
            except forms.ValidationError as exc:
                errors += [f"{upload.name}: {m}" for m in exc.messages]
        if errors:
            raise forms.ValidationError(errors)
        return files
