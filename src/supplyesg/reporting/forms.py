from django import forms
from django.utils.translation import gettext_lazy as _


class PeriodForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    entity = forms.CharField(label=_("Reporting entity"), max_length=200, required=False)
