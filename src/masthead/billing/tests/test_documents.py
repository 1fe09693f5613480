"""Tax invoice and credit note PDFs: real PDFs whose text carries what GST requires."""

from __future__ import annotations

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from pypdf import PdfReader

from masthead.billing import services
from masthead.billing.documents import (
    amount_in_words,
    attachment_filename,
    render_credit_note_pdf,
    render_invoice_pdf,
)
from masthead.billing.documents import fonts as document_fonts
from masthead.billing.gst_states import state_label, state_name
from masthead.billing.models import (
    CreditNote,
    Customer,
    Invoice,
    Payment,
    Plan,
    Subscription,
)

IST = ZoneInfo("Asia/Kolkata")
SELLER = {
    "legal_name": "Meridian Ledger Media Private Limited",
    "address": "4th Floor, Ledger House, Nariman Point, Mumbai 400021",
    "gstin": "27AABCM1234F1ZX",
    "state_code": "27",
    "state_name": "Maharashtra",
}


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def shown(amount: str) -> str:
    """An amount as the PDF prints it (Rs. only on a machine without a rupee font)."""
    return amount if document_fonts.embedded_fonts().has_rupee else amount.replace("₹", "Rs. ")


def make_invoice(
    *,
    email: str = "asha@example.com",
    state_code: str = "27",
    buyer_gstin: str = "",
    currency: str = "INR",
    total: int = 270_000,
    taxable: int = 228_814,
    cgst: int = 20_593,
    sgst: int = 20_593,
    igst: int = 0,
    rate_bp: int = 1800,
    number: str = "ML/2627/000001",
    sequence: int = 1,
) -> Invoice:
    user = get_user_model().objects.create_user(
        username=email, email=email, password="correct horse battery"
    )
    customer = Customer.objects.create(
        user=user, name="Asha Rao", state_code=state_code, gstin=buyer_gstin
    )
    plan, _ = Plan.objects.get_or_create(
        slug="smart-essential", defaults={"name": "Smart Essential", "period_months": 12}
    )
    start = dt.datetime(2026, 11, 25, tzinfo=IST)
    end = dt.datetime(2027, 11, 25, tzinfo=IST)
    subscription = Subscription.objects.create(
        customer=customer,
        plan=plan,
        currency=currency,
        amount_minor=total,
        status="active",
        anchor=start,
        current_period_start=start,
        current_period_end=end,
    )
    return Invoice.objects.create(
        customer=customer,
        subscription=subscription,
        kind="initial",
        status="paid",
        period_start=start,
        period_end=end,
        currency=currency,
        total_minor=total,
        taxable_minor=taxable,
        cgst_minor=cgst,
        sgst_minor=sgst,
        igst_minor=igst,
        tax_rate_bp=rate_bp,
        description="Smart Essential — 1 year digital subscription, 25 Nov 2026 – 24 Nov 2027",
        number=number,
        financial_year="2026-27",
        sequence=sequence,
        seller=SELLER,
        buyer={
            "name": "Asha Rao",
            "email": email,
            "state_code": state_code,
            "state_name": state_name(state_code) if state_code else "",
            "gstin": buyer_gstin,
        },
        # 20:00 UTC on the 24th is already the 25th in India.
        issued_at=dt.datetime(2026, 11, 24, 20, 0, tzinfo=dt.UTC),
    )


def test_intra_state_invoice_is_a_pdf_with_cgst_and_sgst(db):
    invoice = make_invoice()

    data = render_invoice_pdf(invoice)

    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "Tax Invoice" in text
    assert "ML/2627/000001" in text
    # Issued at 20:00 UTC on 24 Nov: the invoice is dated by the Indian calendar.
    assert re.search(r"Invoice date\s+25 Nov 2026", text)
    assert "24 Nov 2026" not in text
    assert "Meridian Ledger Media Private Limited" in text
    assert "Nariman Point" in text
    assert "27AABCM1234F1ZX" in text
    assert "Maharashtra (27)" in text
    assert "Asha Rao" in text
    assert "asha@example.com" in text
    assert "998431" in text
    assert "CGST" in text
    assert "SGST" in text
    assert "9%" in text
    assert "IGST" not in text
    assert text.count(shown("₹205.93")) >= 2  # CGST and SGST, each at least once
    assert shown("₹2,288.14") in text
    assert shown("₹2,700.00") in text
    assert "Indian Rupees Two Thousand Seven Hundred Only" in text


def test_the_line_adds_up_as_printed_and_the_round_off_takes_it_to_the_total(db):
    # ₹900 incl. 18 % within Maharashtra (ADR 0017): taxable 762.71, CGST = SGST = 68.64, so
    # the line is 762.71 + 68.64 + 68.64 = ₹899.99; the round-off line +₹0.01 makes ₹900.00.
    invoice = make_invoice(total=90_000, taxable=76_271, cgst=6_864, sgst=6_864)
    invoice.round_off_minor = 1
    invoice.save(update_fields=["round_off_minor"])
    text = pdf_text(render_invoice_pdf(invoice))
    row = re.escape(shown("₹68.64")) + r"\s+9%\s+" + re.escape(shown("₹68.64"))
    assert re.search(row + r"\s+" + re.escape(shown("₹899.99")), text)  # the line's total
    assert re.search(r"Round off\s*" + re.escape(shown("₹0.01")), text)
    assert re.search(r"Total \(INR\)\s*" + re.escape(shown("₹900.00")), text)
    assert "Indian Rupees Nine Hundred Only" in text


def test_inter_state_invoice_shows_igst_and_the_buyers_gstin(db):
    invoice = make_invoice(
        state_code="29", buyer_gstin="29ABCDE1234F1Z5", cgst=0, sgst=0, igst=41_186
    )

    text = pdf_text(render_invoice_pdf(invoice))

    assert "IGST" in text
    assert "18%" in text
    assert shown("₹411.86") in text
    assert "CGST" not in text
    assert "SGST" not in text
    assert "29ABCDE1234F1Z5" in text
    # Place of supply is the buyer's state.
    assert "Place of supply" in text
    assert "Karnataka (29)" in text
    assert shown("₹2,700.00") in text


def test_place_of_supply_falls_back_to_the_seller_state(db):
    invoice = make_invoice(state_code="")

    text = pdf_text(render_invoice_pdf(invoice))

    after = text.split("Place of supply", 1)[1]
    # Rule 46(n) and GSTR-1's format: the code and the State name.
    assert after.lstrip().startswith("27-Maharashtra")


def test_usd_invoice_shows_zero_rated_igst(db):
    invoice = make_invoice(
        email="sam@example.com",
        state_code="",
        currency="USD",
        total=4_500,
        taxable=4_500,
        cgst=0,
        sgst=0,
        igst=0,
        rate_bp=0,
    )

    data = render_invoice_pdf(invoice)

    text = pdf_text(data)
    assert data.startswith(b"%PDF")
    assert "$45.00" in text
    assert "$0.00" in text
    assert "IGST" in text
    assert "0%" in text
    assert "CGST" not in text
    assert "No GST is charged on this supply." in text
    assert "Amounts include GST" not in text


def test_prices_include_tax_note_follows_the_setting(db, settings):
    invoice = make_invoice()

    settings.PRICES_INCLUDE_TAX = True
    assert "Amounts include GST" in pdf_text(render_invoice_pdf(invoice))

    settings.PRICES_INCLUDE_TAX = False
    assert "Amounts include GST" not in pdf_text(render_invoice_pdf(invoice))


def test_an_unnumbered_invoice_has_no_tax_invoice(db):
    invoice = make_invoice()
    invoice.number = None

    with pytest.raises(ValueError, match="no number"):
        render_invoice_pdf(invoice)


def test_credit_note_names_the_original_invoice(db):
    invoice = make_invoice()
    payment = Payment.objects.create(
        invoice=invoice,
        amount_minor=270_000,
        currency="INR",
        gateway="sandbox",
        idempotency_key="pay-1",
        status="succeeded",
    )
    note = CreditNote.objects.create(
        invoice=invoice,
        payment=payment,
        amount_minor=270_000,
        taxable_minor=228_814,
        cgst_minor=20_593,
        sgst_minor=20_593,
        currency="INR",
        reason="Refund within 7 days",
        idempotency_key="refund-1",
        number="MLC/2627/000001",
        financial_year="2026-27",
        sequence=1,
        issued_at=dt.datetime(2026, 11, 28, 12, 0, tzinfo=IST),
    )

    data = render_credit_note_pdf(note)

    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "Credit Note" in text
    assert "MLC/2627/000001" in text
    assert "Original invoice" in text
    assert "ML/2627/000001" in text
    assert "28 Nov 2026" in text
    assert "Refund within 7 days" in text
    assert "27AABCM1234F1ZX" in text
    assert "CGST" in text
    assert shown("₹205.93") in text
    assert shown("₹2,700.00") in text


def test_state_codes():
    assert state_name("27") == "Maharashtra"
    assert state_name("7") == "Delhi"
    assert state_name("01") == "Jammu and Kashmir"
    assert state_name("38") == "Ladakh"
    assert state_name("97") == "Other Territory"
    assert state_name("") == ""
    assert state_name("XX") == ""
    assert state_label("29") == "Karnataka (29)"


def test_amounts_in_words_use_lakh_and_crore():
    assert amount_in_words(270_000, "INR") == "Indian Rupees Two Thousand Seven Hundred Only"
    assert amount_in_words(22_881_356, "INR") == (
        "Indian Rupees Two Lakh Twenty Eight Thousand Eight Hundred Thirteen "
        "and Fifty Six Paise Only"
    )
    assert amount_in_words(1_234_567_800, "INR") == (
        "Indian Rupees One Crore Twenty Three Lakh Forty Five Thousand Six Hundred "
        "Seventy Eight Only"
    )
    # One paisa is a paisa (the issue found "One Paise"); a cent, cents.
    assert amount_in_words(270_001, "INR") == (
        "Indian Rupees Two Thousand Seven Hundred and One Paisa Only"
    )
    assert amount_in_words(4_501, "USD") == "US Dollars Forty Five and One Cent Only"
    assert amount_in_words(1_234_567_850, "USD") == (
        "US Dollars Twelve Million Three Hundred Forty Five Thousand Six Hundred Seventy Eight "
        "and Fifty Cents Only"
    )
    assert amount_in_words(4_500, "JPY") == ""


def test_attachment_filename_has_no_slashes():
    assert attachment_filename("ML/2627/000001") == "ML-2627-000001.pdf"


def test_without_a_rupee_font_amounts_say_rs(db, monkeypatch):
    invoice = make_invoice()
    monkeypatch.setattr(document_fonts, "FONT_CANDIDATES", ())
    document_fonts.embedded_fonts.cache_clear()
    try:
        text = pdf_text(render_invoice_pdf(invoice))
    finally:
        document_fonts.embedded_fonts.cache_clear()

    assert "Rs. 2,700.00" in text
    assert "₹" not in text


@pytest.mark.django_db(transaction=True)
def test_the_upgrades_tax_invoice_prints_the_new_plan_and_the_unused_part_it_nets(reader):
    # The issue: the unused credit netted into an upgrade appeared nowhere. ADR 0017: a
    # "Less: unused part" line naming the earlier plan, its days and its invoice.
    sub = reader.subscribe("smart-quarterly")
    reader.advance(days=44, step_hours=24)
    services.change_plan(subscription=sub, plan=Plan.objects.get(slug="smart-essential"))
    upgrade = Invoice.objects.get(kind="proration")
    first = Invoice.objects.get(kind="initial")
    [full, less] = upgrade.lines
    text = " ".join(pdf_text(render_invoice_pdf(upgrade)).split())
    assert "Smart Essential — 1 year digital subscription" in text
    assert "Less: unused part of Smart Quarterly" in text
    assert f"(invoice {first.number})" in text
    assert shown("₹2,700.00") in text  # the new plan's price
    rupees, paise = divmod(-less["amount_minor"], 100)
    assert shown(f"-₹{rupees:,}.{paise:02d}") in text  # the unused part, with its minus sign
    assert "Net value of this supply" in text
    assert full["amount_minor"] + less["amount_minor"] == upgrade.total_minor
