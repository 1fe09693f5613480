from __future__ import annotations

from django import forms
from django.utils import timezone


class EditionUploadForm(forms.Form):
    pdf = forms.FileField(
        label="Edition PDF",
        help_text="The whole print edition as one PDF, pages in order.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    date = forms.DateField(
        label="Date",
        initial=timezone.localdate,
        help_text="The date printed on the edition (YYYY-MM-DD).",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    name = forms.CharField(
        label="Edition",
        max_length=60,
        help_text="e.g. Mumbai or Delhi. Uploading the same date and edition again replaces it.",
    )
