"""The checkout page says exactly what the checkout charges today, and what follows."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from masthead.billing.models import Invoice, Plan, PlanPrice, SandboxCharge, Subscription

pytestmark = pytest.mark.django_db(transaction=True)


def page(client, plan="smart-quarterly", query="") -> str:
    """What the reader reads about the price: the summary, the button and the small print."""
    text = client.get(reverse("billing:checkout", args=[plan]) + query).content.decode()
    found = re.findall(
        r'<p class="plan-summary">(.*?)</p>|<button[^>]*>(.*?)</button>|<p class="small">(.*?)</p>',
        text,
        flags=re.S,
    )
    parts = [part for match in found for part in match if part]
    return " | ".join(" ".join(html.unescape(re.sub(r"<[^>]+>", "", p)).split()) for p in parts)


def pay(client, plan="smart-quarterly", key="c" * 24):
    return client.post(
        reverse("billing:checkout", args=[plan]),
        {
            "checkout_key": key,
            "name": "Asha Reader",
            "state_code": "27",
            "gstin": "",
            "card_number": "4242 4242 4242 4242",
            "currency": "INR",
        },
    )


@pytest.fixture
def signed_in(client, reader):
    client.force_login(reader.user)
    return reader


def test_the_page_and_button_say_the_full_price_is_charged_today(client, signed_in):
    shown = page(client)
    assert "Pay ₹900 today, then ₹900 every 3 months" in shown
    assert "Pay ₹900 today and subscribe" in shown
    assert "Prices include GST." in shown
    pay(client)
    assert SandboxCharge.objects.get().amount_minor == 90_000


def test_an_introductory_price_is_what_the_page_says_is_charged_today(client, signed_in):
    PlanPrice.objects.filter(plan__slug="smart-quarterly", currency="INR").update(
        intro_amount_minor=49_900
    )
    shown = page(client)
    assert (
        "Pay ₹499 today (introductory price for the first 3 months), then ₹900 every 3 months"
        in shown
    )
    assert "Pay ₹499 today and subscribe" in shown
    assert "₹900 and subscribe" not in shown
    pay(client)
    assert SandboxCharge.objects.get().amount_minor == 49_900


def test_a_free_trial_says_nothing_is_charged_today_and_when_the_first_charge_comes(
    client, signed_in
):
    Plan.objects.filter(slug="smart-quarterly").update(trial_days=14)
    shown = page(client)
    # The reader's (test) clock reads 31 Jan 2026: the trial ends 14 days later.
    assert (
        "Nothing to pay today: 14-day free trial, then ₹900 every 3 months from 14 Feb 2026"
        in shown
    )
    assert "Start my free trial" in shown
    assert "Pay ₹" not in shown
    pay(client)
    assert not SandboxCharge.objects.exists()
    sub = Subscription.objects.get()
    assert f"{sub.current_period_end:%d %b %Y}" == "14 Feb 2026"
    assert sub.amount_minor == 90_000


def test_prices_that_exclude_tax_show_the_total_with_gst_added(client, signed_in, settings):
    settings.PRICES_INCLUDE_TAX = False
    shown = page(client)
    assert "Pay ₹1,062 (₹900 plus GST) today, then ₹1,062 (₹900 plus GST) every 3 months" in shown
    assert "GST is added to the plan's price" in shown
    assert "Pay ₹1,062 today and subscribe" in shown
    assert "including GST" not in shown
    assert "include GST" not in shown
    pay(client)
    assert SandboxCharge.objects.get().amount_minor == Invoice.objects.get().total_minor == 106_200


def test_dollar_prices_under_an_lut_say_nothing_about_gst(client, signed_in, settings):
    # Dollar prices are for readers abroad: an export, zero-rated under an LUT (IGST Act
    # s.16(3)(a)); the page must not tell them the price includes GST (the finding).
    settings.GST_LUT_REFERENCE, settings.GST_LUT_VALID_UNTIL = "AD270426001234X", "2099-03-31"
    shown = page(client, "smart-essential", "?currency=USD")
    assert "Pay $45 today, then $45 every year" in shown
    assert "GST" not in shown


def test_dollar_prices_without_an_lut_include_igst(client, signed_in, settings):
    # Without an LUT an export is made on payment of IGST (s.16(3)(b)): inside the price.
    settings.GST_LUT_REFERENCE, settings.GST_LUT_VALID_UNTIL = "", ""
    shown = page(client, "smart-essential", "?currency=USD")
    assert "Pay $45 today, then $45 every year" in shown
    assert "Prices include GST" in shown


@pytest.mark.parametrize(
    ("case", "expected"),  # (prices include tax, currency), (said, not said)
    [
        ((True, "INR"), ("Prices include GST.", "GST is added")),
        # The kind of untruth: "Prices include GST" under prices that exclude it.
        ((False, "INR"), ("GST is added to these prices at checkout.", "include GST")),
        ((True, "USD"), ("", "GST")),  # dollar prices are for readers abroad
    ],
)
def test_the_plan_list_says_how_gst_is_charged_as_the_publisher_sets_it(
    client, plans, settings, case, expected
):
    settings.PRICES_INCLUDE_TAX, currency = case
    said, not_said = expected
    shown = client.get(reverse("billing:subscribe"), {"currency": currency}).content.decode()
    assert said in shown
    assert not_said not in shown
