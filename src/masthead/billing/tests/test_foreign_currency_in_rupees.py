"""A reader in India paying in dollars is charged GST, and the tax documents say it in rupees
too (CGST Rule 34(2): value of a service in foreign currency at the rate of exchange for the
date of time of supply; Rule 46: the tax charged). Figures are worked by hand below."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from masthead.billing.documents import render_credit_note_pdf, render_invoice_pdf
from masthead.billing.exchange import (
    convert,
    invoice_in_inr,
    invoices_awaiting_rate,
    to_paise,
)
from masthead.billing.gstr1.sections import build_return
from masthead.billing.models import CreditNote, ExchangeRate, Payment
from masthead.billing.services.exchange_rates import (
    ExchangeRateRefused,
    delete_exchange_rate,
    record_exchange_rate,
)
from masthead.billing.tax import split_tax
from masthead.billing.tests.test_documents import make_invoice, pdf_text, shown

IST = ZoneInfo("Asia/Kolkata")
RATE = Decimal("84.1234")


def usd_rate(first: dt.date, last: dt.date | None = None) -> ExchangeRate:
    return record_exchange_rate(
        currency="USD", valid_from=first, valid_until=last or first, inr_per_unit=RATE,
        source="RBI reference rate", entered_by="accountant",
    )  # fmt: skip


def usd_invoice(**overrides: object):
    # $45.00 incl. 18% within Maharashtra: 45/1.18 = 38.1356 → $38.14;
    # CGST = SGST = 9% × 38.14 = 3.4326 → $3.43; 38.14 + 6.86 = 45.00, no round off.
    # make_invoice dates it 25 Nov 2026 in India.
    fields: dict[str, object] = {
        "email": "ravi@example.com", "currency": "USD", "total": 4_500, "taxable": 3_814,
        "cgst": 343, "sgst": 343,
    }  # fmt: skip
    fields.update(overrides)
    return make_invoice(**fields)  # type: ignore[arg-type]


def test_dollars_are_converted_in_whole_paise_rounded_half_up():
    # $45.00 × 84.1234 = 3785.553 → ₹3,785.55; $0.01 × 84.1234 = 0.841234 → ₹0.84;
    # $0.05 × 84.1234 = 4.20617 → ₹4.21 (half up from .617).
    assert to_paise(minor=4_500, currency="USD", inr_per_unit=RATE) == 378_555
    assert to_paise(minor=1, currency="USD", inr_per_unit=RATE) == 84
    assert to_paise(minor=5, currency="USD", inr_per_unit=RATE) == 421
    # Exactly half a paisa rounds up: $0.50 at ₹0.0101 = 0.505 paise → 1 paisa.
    assert to_paise(minor=50, currency="USD", inr_per_unit=Decimal("0.0101")) == 1
    with pytest.raises(ValueError, match="four decimals"):
        to_paise(minor=1, currency="USD", inr_per_unit=Decimal("84.12345"))


def test_intra_state_dollar_invoice_prints_each_tax_in_rupees_with_the_rate_and_its_date(db):
    invoice = usd_invoice()
    usd_rate(dt.date(2026, 11, 25))

    text = pdf_text(render_invoice_pdf(invoice))

    assert "$45.00" in text and "$3.43" in text  # as charged
    assert "84.1234 per 1 USD" in text
    assert "RBI reference rate, 25 Nov 2026" in text
    assert "CGST Rule 34" in text
    # Taxable 3814 × 84.1234 / 100 = 3208.466 → ₹3,208.47; CGST = SGST = 9% × 3208.47 =
    # 288.7623 → ₹288.76; value 4500 × 84.1234 / 100 → ₹3,785.55;
    # round off 3785.55 − 3208.47 − 577.52 = −₹0.44.
    for amount in ("₹3,208.47", "₹288.76", "₹3,785.55", "-₹0.44"):
        assert shown(amount) in text, amount
    assert "Total (INR)" in text


def test_inter_state_dollar_invoice_shows_igst_in_rupees(db):
    # Karnataka reader: IGST 18% × 38.14 = 6.8652 → $6.87; round off 45 − 38.14 − 6.87 = −$0.01.
    invoice = usd_invoice(state_code="29", cgst=0, sgst=0, igst=687)
    usd_rate(dt.date(2026, 11, 20), dt.date(2026, 12, 3))  # a notified fortnight

    inr = invoice_in_inr(invoice)
    text = pdf_text(render_invoice_pdf(invoice))

    # IGST 18% × 3208.47 = 577.5246 → ₹577.52; round off 3785.55 − 3208.47 − 577.52 = −0.44.
    assert inr is not None
    assert (inr.taxable, inr.cgst, inr.sgst, inr.igst, inr.round_off, inr.total) == (
        320_847, 0, 0, 57_752, -44, 378_555,
    )  # fmt: skip
    assert shown("₹577.52") in text
    assert "20 Nov 2026 to 03 Dec 2026" in text


def test_without_a_rate_the_invoice_is_issued_and_says_the_rate_is_awaited(db, admin_client):
    invoice = usd_invoice()

    text = pdf_text(render_invoice_pdf(invoice))
    listing = admin_client.get(reverse("admin:billing_invoice_changelist")).content.decode()

    assert "$45.00" in text  # the reader's invoice is there, in the currency paid
    assert "exchange rate for 25 Nov 2026 is not yet recorded" in text
    assert "Total (INR)" not in text
    assert "Waiting for an exchange rate: ML/2627/000001 (USD)" in listing  # the banner
    assert "⚠ Waiting for an exchange rate" in listing  # the row's flag
    assert list(invoices_awaiting_rate()) == [invoice]
    filtered = admin_client.get(
        reverse("admin:billing_invoice_changelist"), {"awaiting_rate": "yes"}
    ).content.decode()
    assert "⚠ Waiting for an exchange rate" in filtered
    # Once the accountant records the day's rate, the same invoice shows its rupee values.
    usd_rate(dt.date(2026, 11, 25))
    assert shown("₹3,785.55") in pdf_text(render_invoice_pdf(invoice))
    listing = admin_client.get(reverse("admin:billing_invoice_changelist")).content.decode()
    assert "Waiting for an exchange rate:" not in listing  # no banner
    assert "⚠ Waiting for an exchange rate" not in listing  # no flag on the row
    assert "₹3,785.55 at ₹84.1234" in listing
    assert list(invoices_awaiting_rate()) == []


def test_an_export_under_lut_carries_no_rupee_tax_block(db):
    invoice = usd_invoice(state_code="", taxable=4_500, cgst=0, sgst=0, rate_bp=0)
    usd_rate(dt.date(2026, 11, 25))

    text = pdf_text(render_invoice_pdf(invoice))

    assert "No GST is charged on this supply." in text
    assert "Total (INR)" not in text
    assert "$45.00" in text


def test_a_credit_note_is_converted_at_its_invoices_rate(db):
    invoice = usd_invoice()
    usd_rate(dt.date(2026, 11, 25))
    # A different rate on the refund's day must not be used: the note reverses the invoice.
    record_exchange_rate(
        currency="USD", valid_from=dt.date(2026, 11, 28), valid_until=dt.date(2026, 11, 28),
        inr_per_unit=Decimal("90.0000"), source="RBI reference rate", entered_by="accountant",
    )  # fmt: skip
    payment = Payment.objects.create(
        invoice=invoice, amount_minor=4_500, currency="USD", gateway="sandbox",
        idempotency_key="p-usd", status="succeeded",
    )  # fmt: skip
    note = CreditNote.objects.create(
        invoice=invoice, payment=payment, amount_minor=4_500, taxable_minor=3_814,
        cgst_minor=343, sgst_minor=343, currency="USD", idempotency_key="r-usd",
        number="MLC/2627/000001", financial_year="2026-27", sequence=1,
        issued_at=dt.datetime(2026, 11, 28, 12, 0, tzinfo=IST),
    )  # fmt: skip

    text = pdf_text(render_credit_note_pdf(note))

    assert "84.1234 per 1 USD" in text
    assert shown("₹288.76") in text and shown("₹3,785.55") in text


def test_gstr1_routes_a_dollar_invoice_by_its_value_in_rupees(db):
    # Delhi readers (inter-State, unregistered), 25 Nov 2026, prices incl. 18% IGST.
    # $1,200.00 × 84.1234 = ₹1,00,948.08 > ₹1,00,000 → B2CL;
    # $1,100.00 × 84.1234 = ₹92,535.74 → B2CS.
    usd_rate(dt.date(2026, 11, 25))
    large = split_tax(amount_minor=120_000, rate_bp=1800, intra_state=False, inclusive=True)
    small = split_tax(amount_minor=110_000, rate_bp=1800, intra_state=False, inclusive=True)
    usd_invoice(email="a@example.com", state_code="07", total=120_000, taxable=large.taxable,
                cgst=0, sgst=0, igst=large.igst, number="ML/2627/000001")  # fmt: skip
    usd_invoice(email="b@example.com", state_code="07", total=110_000, taxable=small.taxable,
                cgst=0, sgst=0, igst=small.igst, number="ML/2627/000002", sequence=2)  # fmt: skip

    month = build_return(start=dt.date(2026, 11, 1), end=dt.date(2026, 12, 1))

    assert [(r.number, r.amounts.value) for r in month.b2cl] == [("ML/2627/000001", 10_094_808)]
    assert month.b2cs[("07", 1800)].value == 9_253_574
    assert month.unconverted == []


def test_rates_are_refused_with_the_reason(db):
    usd_rate(dt.date(2026, 11, 14), dt.date(2026, 11, 27))
    with pytest.raises(ExchangeRateRefused, match="already covers"):
        usd_rate(dt.date(2026, 11, 27))
    with pytest.raises(ExchangeRateRefused, match="at most 16 days"):
        usd_rate(dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    with pytest.raises(ExchangeRateRefused, match="four decimals"):
        record_exchange_rate(
            currency="EUR", valid_from=dt.date(2026, 11, 1), valid_until=dt.date(2026, 11, 1),
            inr_per_unit=Decimal("90.12345"), source="RBI", entered_by="a",
        )  # fmt: skip
    with pytest.raises(ExchangeRateRefused, match="need no rate"):
        record_exchange_rate(
            currency="INR", valid_from=dt.date(2026, 11, 1), valid_until=dt.date(2026, 11, 1),
            inr_per_unit=Decimal(1), source="RBI", entered_by="a",
        )  # fmt: skip
    assert list(ExchangeRate.objects.values_list("currency", "valid_from")) == [
        ("USD", dt.date(2026, 11, 14))
    ]


def test_a_rate_that_converts_an_issued_invoice_cannot_be_deleted(db):
    usd_invoice()
    used = usd_rate(dt.date(2026, 11, 25))
    unused = usd_rate(dt.date(2026, 11, 26))

    with pytest.raises(ExchangeRateRefused, match="part of the record"):
        delete_exchange_rate(rate=used)
    delete_exchange_rate(rate=unused)

    assert list(ExchangeRate.objects.values_list("valid_from", flat=True)) == [
        dt.date(2026, 11, 25)
    ]


def test_staff_enter_a_rate_in_the_back_office(db, admin_client):
    url = reverse("admin:billing_exchangerate_add")
    form = {
        "currency": "USD", "valid_from": "2026-11-25", "valid_until": "2026-11-25",
        "inr_per_unit": "84.1234", "source": "RBI reference rate",
    }  # fmt: skip

    saved = admin_client.post(url, form)
    clash = admin_client.post(url, {**form, "inr_per_unit": "84.5000"})

    assert saved.status_code == 302
    rate = ExchangeRate.objects.get()
    assert (rate.inr_per_unit, rate.entered_by) == (RATE, "admin")
    assert clash.status_code == 200
    assert "already covers some of these days" in clash.content.decode()


@given(
    dollars=st.integers(min_value=1, max_value=10_000_000),
    rate_e4=st.integers(min_value=1, max_value=3_000_000),
    intra=st.booleans(),
    rate_bp=st.sampled_from([500, 1200, 1800, 2800]),
)
def test_rupee_figures_add_up_and_cgst_equals_sgst(dollars, rate_e4, intra, rate_bp):
    split = split_tax(amount_minor=dollars, rate_bp=rate_bp, intra_state=intra, inclusive=True)
    rate = ExchangeRate(
        currency="USD", valid_from=dt.date(2026, 11, 25), valid_until=dt.date(2026, 11, 25),
        inr_per_unit=Decimal(rate_e4).scaleb(-4), source="test",
    )  # fmt: skip
    inr = convert(
        currency="USD", total=split.total, taxable=split.taxable, cgst=split.cgst,
        sgst=split.sgst, igst=split.igst, rate_bp=rate_bp, intra_state=intra, rate=rate,
    )  # fmt: skip

    assert inr.taxable + inr.tax + inr.round_off == inr.total
    assert inr.cgst == inr.sgst
    assert inr.igst == 0 if intra else inr.cgst == 0
    # Each head is its rate on the rupee taxable value, rounded half up (CGST Act s.9).
    heads = 2 if intra else 1
    exact = inr.taxable * rate_bp  # × 1/10 000 per rupee of tax, split over the heads
    assert abs(2 * (inr.cgst + inr.igst) * 10_000 * heads - 2 * exact) <= 10_000 * heads
    # Each figure is the exact product rounded to the paisa: within half a paisa of it.
    assert abs(2 * (inr.total * 10_000 - split.total * rate_e4)) <= 10_000
    assert abs(2 * (inr.taxable * 10_000 - split.taxable * rate_e4)) <= 10_000


def test_a_dollar_export_under_lut_goes_to_gstr1_exp_in_rupees(db):
    # $45.00 zero-rated under LUT on 25 Nov 2026: 4500 × 84.1234 / 100 = ₹3,785.55, no tax.
    invoice = usd_invoice(state_code="", taxable=4_500, cgst=0, sgst=0, rate_bp=0)
    invoice.supply_type, invoice.place_of_supply = "EXPWOP", "96"
    invoice.save(update_fields=["supply_type", "place_of_supply"])
    usd_rate(dt.date(2026, 11, 25))

    month = build_return(start=dt.date(2026, 11, 1), end=dt.date(2026, 12, 1))

    [row] = month.exp
    assert (row.number, row.kind, row.amounts.value, row.amounts.taxable, row.amounts.igst) == (
        "ML/2627/000001", "WOPAY", 378_555, 378_555, 0,
    )  # fmt: skip
