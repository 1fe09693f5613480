from __future__ import annotations

from typing import Any

from babel import Locale
from django import forms

from masthead.billing.gst_states import GST_STATES as STATES
from masthead.billing.gstin import InvalidGstin, validate_gstin


def _countries() -> list[tuple[str, str]]:
    """India first, then every country by its English name (ISO 3166 alpha-2 codes)."""
    names = Locale("en").territories
    others = sorted(
        ((code, str(name)) for code, name in names.items() if len(code) == 2 and code.isalpha()),
        key=lambda item: item[1],
    )
    return [("IN", "India"), *[(code, name) for code, name in others if code != "IN"]]


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
        max_length=20,
        required=False,
        help_text="Only if you want a business invoice.",
    )
    address = forms.CharField(
        label="Address",
        max_length=300,
        required=False,
        help_text="Needed for a business invoice (with a GSTIN).",
    )
    city = forms.CharField(label="City", max_length=100, required=False)
    postal_code = forms.CharField(label="PIN / postal code", max_length=12, required=False)
    country_code = forms.ChoiceField(
        label="Country", choices=_countries, required=False, initial="IN"
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        state = str(cleaned.get("state_code") or "")
        gstin = str(cleaned.get("gstin") or "").strip().upper()
        if gstin:
            try:
                gstin = validate_gstin(gstin, state_code=state)
            except InvalidGstin as exc:
                self.add_error("gstin", str(exc))
            # CGST Rule 46(d): a registered buyer's invoice carries their name and address.
            if not str(cleaned.get("address") or "").strip():
                self.add_error(
                    "address", "A business invoice needs your registered address (Rule 46)."
                )
        cleaned["gstin"] = gstin
        country = str(cleaned.get("country_code") or "IN").strip().upper()
        cleaned["country_code"] = country
        if country == "IN" and not state:
            # Circular 242/36/2024: an online newspaper's invoice names the reader's State at
            # any value, and it must be known before the supply.
            self.add_error(
                "state_code",
                "Pick your state: GST law needs it on every invoice. Readers outside India: "
                "choose your country instead.",
            )
        return cleaned


class CheckoutForm(TaxDetailsForm):
    """The sandbox checkout: tax details and a test card."""

    card_number = forms.CharField(
        label="Card number",
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


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Why are you leaving? (optional)",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ChangePlanForm(forms.Form):
    plan = forms.SlugField()
