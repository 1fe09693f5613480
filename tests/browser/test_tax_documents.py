"""The tax documents as a reader and an accountant see them: a consumer's tax invoice, a
business invoice with its IRN and QR code, an export invoice under LUT and a credit note, each
rendered to PNG (test-artifacts/screenshots/tax-*.png) and opened in Chromium."""

from __future__ import annotations

import base64
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pypdfium2
import pytest
from conftest import ARTIFACTS
from django.conf import settings as django_settings

from masthead.billing import demo, services
from masthead.billing.documents import render_credit_note_pdf, render_invoice_pdf
from masthead.billing.einvoice import services as einvoice
from masthead.billing.models import (
    CreditNote,
    Invoice,
    InvoiceStatus,
    Payment,
    PlanPrice,
    TestClock,
)
from masthead.billing.services.exchange_rates import record_exchange_rate
from masthead.ops import testing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
START = dt.datetime(2026, 11, 25, 6, 30, tzinfo=dt.UTC)


def _reader(email: str, **fields: str) -> Any:
    user = testing.reader_account(email)
    customer = services.ensure_customer(user=user)
    customer.test_clock = TestClock.objects.create(name=email, frozen_time=START)
    customer.payment_method = "pm_sandbox_4242424242424242"
    for name, value in fields.items():
        setattr(customer, name, value)
    customer.save()
    return user


def _buy(user: Any, plan: str, currency: str = "INR") -> Invoice:
    price = PlanPrice.objects.get(plan__slug=plan, currency=currency)
    services.checkout(
        user=user, price=price, payment_method="pm_sandbox_4242424242424242",
        payment_method_label="Visa ending 4242", checkout_key=f"k-{user.pk}-{plan}-doc",
    )  # fmt: skip
    return Invoice.objects.get(customer__user=user, status=InvoiceStatus.PAID)


def _text(pdf: bytes) -> str:
    return "\n".join(p.get_textpage().get_text_range() for p in pypdfium2.PdfDocument(pdf))


def _png(pdf: bytes, name: str) -> Path:
    page = pypdfium2.PdfDocument(pdf)[0]
    image = page.render(scale=2).to_pil()
    target = ARTIFACTS / "screenshots" / f"{name}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    image.save(target)
    return target


def test_the_four_tax_documents_render_and_open_in_the_browser(page_factory, settings):
    demo.load()
    settings.GST_LUT_REFERENCE, settings.GST_LUT_VALID_UNTIL = "AD2704260012345", "2027-03-31"
    settings.EINVOICE_ENABLED = True
    consumer = _buy(
        _reader("asha@example.com", name="Asha Rao", state_code="29", address="14 Residency Road",
                city="Bengaluru", postal_code="560025"),
        "smart-essential",
    )  # fmt: skip
    user = _reader(
        "accounts@acme.example", name="Acme Media Private Limited", state_code="29",
        gstin="29AABCM1234F1ZT", address="3rd Floor, 80 Feet Road, Koramangala",
        city="Bengaluru", postal_code="560034",
    )  # fmt: skip
    business = _buy(user, "smart-essential")
    export = _buy(
        _reader("sam@example.com", name="Sam Lee", state_code="", country_code="US",
                address="200 Park Avenue", city="New York NY", postal_code="10166"),
        "smart-essential", currency="USD",
    )  # fmt: skip
    # The IRP takes rupees: the export is reported at the accountant's rate for its date.
    record_exchange_rate(
        currency="USD", valid_from=dt.date(2026, 11, 25), valid_until=dt.date(2026, 11, 25),
        inr_per_unit=Decimal("84.1234"), source="RBI reference rate", entered_by="accountant",
    )  # fmt: skip
    assert einvoice.register_due() == 2  # the business invoice and the export, not the B2C
    payment = Payment.objects.get(invoice=consumer)
    services.refund(payment=payment, amount_minor=45_000, reason="Goodwill: delivery problem",
                    idempotency_key="doc-refund")  # fmt: skip
    note = CreditNote.objects.get()
    shots = {
        "tax-invoice-consumer": render_invoice_pdf(consumer),
        "tax-invoice-business-irn-qr": render_invoice_pdf(business),
        "tax-invoice-export-lut": render_invoice_pdf(export),
        "tax-credit-note": render_credit_note_pdf(note),
    }
    # What a reader of Rule 46 / Rule 53 looks for on each (reference note's checklist).
    every = ("27AABCM1234F1ZX", "Maharashtra (27)", "Reverse charge", "998431", "no signature")
    wanted = {
        "tax-invoice-consumer": (
            consumer.number,
            "14 Residency Road",
            "State: Karnataka (29)",
            "29-Karnataka",
            "IGST",
            "Round off",
            "Indian Rupees Two Thousand Seven Hundred Only",
        ),
        "tax-invoice-business-irn-qr": (
            business.number,
            "GSTIN: 29AABCM1234F1ZT",
            "80 Feet Road",
            "E-INVOICE",
            "IRN:",
            "Ack. no.:",
        ),
        "tax-invoice-export-lut": (
            export.number,
            "Country: United States",
            "96-Other Country",
            "Export of services, under LUT",
            "LETTER OF UNDERTAKING WITHOUT PAYMENT OF",
            "AD2704260012345",
            "E-INVOICE",
            "US Dollars Forty Five Only",
        ),
        "tax-credit-note": (
            "Credit Note",
            note.number,
            f"Original invoice {consumer.number}",
            "Original invoice date 25 Nov 2026",
            "State: Karnataka (29)",
            "29-Karnataka",
        ),
    }
    for name, pdf in shots.items():
        text = " ".join(_text(pdf).split())
        for field in (*every, *wanted[name]):
            assert field in text, (name, field)
    page = page_factory(width=900, height=1300)
    for name, pdf in shots.items():
        path = _png(pdf, name)
        data = base64.b64encode(path.read_bytes()).decode()
        page.set_content(f'<img id="doc" style="width:880px" src="data:image/png;base64,{data}">')
        assert page.eval_on_selector("#doc", "img => img.naturalWidth") > 1000
    assert django_settings.SAC_CODE == "998431"
    assert (ARTIFACTS / "screenshots" / "tax-credit-note.png").exists()


def test_a_dollar_invoice_to_a_reader_in_india_shows_its_tax_in_rupees(page_factory):
    """Rule 34(2) with Rule 46: rendered to tax-invoice-usd-in-india.png."""
    demo.load()
    record_exchange_rate(
        currency="USD", valid_from=dt.date(2026, 11, 25), valid_until=dt.date(2026, 11, 25),
        inr_per_unit=Decimal("84.1234"), source="RBI reference rate", entered_by="accountant",
    )  # fmt: skip
    invoice = _buy(
        _reader("ravi@example.com", name="Ravi Menon", state_code="27", address="7 Marine Drive",
                city="Mumbai", postal_code="400020"),
        "smart-essential", currency="USD",
    )  # fmt: skip
    pdf = render_invoice_pdf(invoice)
    text = "\n".join(p.get_textpage().get_text_range() for p in pypdfium2.PdfDocument(pdf))
    assert invoice.cgst_minor == invoice.sgst_minor > 0  # GST, not an export
    assert "84.1234 per 1 USD" in text and "Total (INR)" in text
    path = _png(pdf, "tax-invoice-usd-in-india")
    page = page_factory(width=900, height=1300)
    data = base64.b64encode(path.read_bytes()).decode()
    page.set_content(f'<img id="doc" style="width:880px" src="data:image/png;base64,{data}">')
    assert page.eval_on_selector("#doc", "img => img.naturalWidth") > 1000
