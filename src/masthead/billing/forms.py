from __future__ import annotations

import datetime as dt
from typing import Any

from babel import Locale
from django import forms
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser

from masthead.billing.gst_states import GST_STATES as STATES
from masthead.billing.gstin import InvalidGstin, validate_gstin
from masthead.billing.models import CancellationReason, Customer, PlanPrice


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

    def __init__(self, *args: Any, invoice_total_minor: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invoice_total_minor = invoice_total_minor

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        state = str(cleaned.get("state_code") or "")
        large = self.invoice_total_minor >= settings.GST_ADDRESS_REQUIRED_FROM_MINOR
        if large and not str(cleaned.get("address") or "").strip():
            # CGST Rule 46(e): an unregistered buyer's name and address from ₹50,000.
            self.add_error(
                "address",
                "Invoices of ₹50,000 or more must show your address (GST Rule 46); enter it.",
            )
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


RECIPIENT_FIELDS = ("name", "state_code", "gstin", "address", "city", "postal_code", "country_code")


def recipient_fields(data: dict[str, Any]) -> dict[str, str]:
    """The recipient's details from a cleaned tax-details form, as ``update_tax_details`` takes."""
    return {name: str(data.get(name) or "") for name in RECIPIENT_FIELDS}


def recipient_initial(
    customer: Customer | None, user: AbstractBaseUser, *, checkout_key: str
) -> dict[str, str]:
    """The form's starting values: what is on record, else the account's name."""
    full_name = str(getattr(user, "get_full_name", str)())
    initial = {"checkout_key": checkout_key, "name": full_name, "country_code": "IN"}
    if customer is not None:
        initial.update({name: str(getattr(customer, name)) for name in RECIPIENT_FIELDS})
        initial["name"] = customer.name or full_name
    return initial


def invoice_total_for(price: PlanPrice, *, now: dt.datetime) -> int:
    """The largest invoice this checkout opens (first or later period), in minor units:
    decides whether Rule 46(e) asks for the buyer's address."""
    from masthead.billing.services import checkout_terms

    terms = checkout_terms(price=price, now=now)
    if terms.currency != "INR":
        return 0
    return max(terms.today_minor, terms.then_minor)
