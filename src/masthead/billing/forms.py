from __future__ import annotations

from typing import Any

from django import forms

from masthead.billing.gst_states import GST_STATES as STATES
from masthead.billing.models import CancellationReason


class TaxDetailsForm(forms.Form):
    """Who the invoice is for; a hosted checkout (Razorpay, Stripe) asks only this here."""

    checkout_key = forms.CharField(widget=forms.HiddenInput, max_length=64, min_length=16)
    name = forms.CharField(label="Name on the invoice", max_length=200)
    state_code = forms.ChoiceField(
        label="State (for GST)",
        choices=[
            ("", "Outside India / not listed"),
            *sorted(STATES.items(), key=lambda item: item[1]),
        ],
        required=False,
    )
    gstin = forms.CharField(
        label="GSTIN (optional)",
        max_length=15,
        required=False,
        help_text="Only if you want a business invoice.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        gstin = str(cleaned.get("gstin") or "").strip().upper()
        state = str(cleaned.get("state_code") or "")
        if gstin and (len(gstin) != 15 or gstin[:2] != state):
            self.add_error(
                "gstin",
                "A GSTIN has 15 characters and starts with your state's two-digit code. "
                "Check it, or leave it empty.",
            )
        cleaned["gstin"] = gstin
        return cleaned


class CheckoutForm(TaxDetailsForm):
    """The sandbox checkout: tax details and a test card."""

    card_number = forms.CharField(
        label="Card number",
        max_length=23,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "cc-number"}),
        help_text=(
            "Sandbox test cards: 4242 4242 4242 4242 succeeds; 4000 0000 0000 0002 is declined; "
            "4000 0025 0000 3155 asks you to confirm with your bank."
        ),
    )

    def clean_card_number(self) -> str:
        digits = "".join(ch for ch in self.cleaned_data["card_number"] if ch.isdigit())
        if not 12 <= len(digits) <= 19:
            raise forms.ValidationError("Enter the card's 12 to 19 digits.")
        return digits


class CancelForm(forms.Form):
    reason_code = forms.ChoiceField(
        label="Why are you leaving? (optional)",
        choices=[(c.value, c.label) for c in CancellationReason if c.value],
        required=False,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Anything you would like to tell us? (optional)",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ChangePlanForm(forms.Form):
    plan = forms.SlugField()
    # The signed quote the reader saw on the preview (``services.quote_plan_change``).
    quote = forms.CharField(required=False, max_length=2000)


class PaymentMethodForm(forms.Form):
    """Update payment method on the sandbox: a new test card."""

    card_number = forms.CharField(
        label="New card number",
        max_length=23,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "cc-number"}),
        help_text=(
            "Sandbox test cards: 4242 4242 4242 4242 succeeds; 4000 0000 0000 0002 is declined."
        ),
    )

    def clean_card_number(self) -> str:
        digits = "".join(ch for ch in self.cleaned_data["card_number"] if ch.isdigit())
        if not 12 <= len(digits) <= 19:
            raise forms.ValidationError("Enter the card's 12 to 19 digits.")
        return digits
