"""GST on the invoices a real checkout and renewal issue: the place of supply picks CGST+SGST or
IGST, the publisher's settings pick the rate and whether prices include tax, and an issued
invoice never changes afterwards."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import IntegrityError, transaction
from pypdf import PdfReader

from masthead.billing import invoicing, renewals, services
from masthead.billing.documents import render_invoice_pdf
from masthead.billing.invoicing import InvoiceFrozen
from masthead.billing.models import Invoice, InvoiceStatus, Payment, PaymentStatus

pytestmark = pytest.mark.django_db(transaction=True)

MAHARASHTRA, KARNATAKA = "27", "29"  # the publisher is in Maharashtra (settings)


def bought(reader, plan="smart-quarterly") -> Invoice:
    reader.subscribe(plan)
    return Invoice.objects.get(customer=reader.customer, status=InvoiceStatus.PAID)


def parts(invoice: Invoice) -> tuple[int, int, int, int, int, int]:
    return (
        invoice.total_minor,
        invoice.taxable_minor,
        invoice.cgst_minor,
        invoice.sgst_minor,
        invoice.igst_minor,
        invoice.round_off_minor,
    )


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        # mode: (prices include tax, GST rate in basis points, reader's state);
        # expected: (total, taxable, CGST, SGST, IGST, round off) in paise.
        # ₹900 incl. 18% within Maharashtra: taxable 900 / 1.18 = 762.711… → ₹762.71;
        # CGST = SGST = 9% × 762.71 = 68.6439 → ₹68.64 each; 762.71 + 137.28 = 899.99, so
        # the round-off line is +₹0.01 and the total stays ₹900 (ADR 0017).
        ((True, 1800, MAHARASHTRA), (90_000, 76_271, 6_864, 6_864, 0, 1)),
        # Karnataka: IGST 18% × 762.71 = 137.2878 → ₹137.29; 762.71 + 137.29 = 900.00.
        ((True, 1800, KARNATAKA), (90_000, 76_271, 0, 0, 13_729, 0)),
        ((False, 1800, MAHARASHTRA), (106_200, 90_000, 8_100, 8_100, 0, 0)),
        ((False, 1800, KARNATAKA), (106_200, 90_000, 0, 0, 16_200, 0)),
        # The rate comes from settings: at 5%, ₹900 incl. tax is 900 / 1.05 = ₹857.14,
        # 2.5% × 857.14 = 21.4285 → ₹21.43 each: 857.14 + 42.86 = 900.00.
        ((True, 500, MAHARASHTRA), (90_000, 85_714, 2_143, 2_143, 0, 0)),
        ((False, 500, KARNATAKA), (94_500, 90_000, 0, 0, 4_500, 0)),
        ((False, 1200, MAHARASHTRA), (100_800, 90_000, 5_400, 5_400, 0, 0)),
    ],
)
def test_the_checkout_invoice_splits_gst_by_place_of_supply_rate_and_price_mode(
    reader_factory, settings, mode, expected
):
    settings.PRICES_INCLUDE_TAX, settings.GST_RATE_BASIS_POINTS, state = mode
    reader = reader_factory(state_code=state)
    invoice = bought(reader)
    assert parts(invoice) == expected
    assert invoice.tax_rate_bp == settings.GST_RATE_BASIS_POINTS
    payment = Payment.objects.get(invoice=invoice)
    assert payment.amount_minor == invoice.total_minor  # the reader paid the invoice's total


def test_a_reader_with_no_state_is_taxed_as_in_the_publishers_state(reader_factory):
    invoice = bought(reader_factory(state_code=""))
    assert invoice.cgst_minor and invoice.sgst_minor and not invoice.igst_minor


def test_a_reader_abroad_paying_in_dollars_is_an_export_under_lut(reader_factory, settings):
    # IGST Act s.2(6): recipient abroad, place of supply abroad (s.13(12)), paid in foreign
    # exchange; zero-rated without IGST under the LUT on file (s.16(3)(a)).
    settings.GST_LUT_REFERENCE, settings.GST_LUT_VALID_UNTIL = "AD2704260012345", "2099-03-31"
    reader = reader_factory(state_code="", country_code="US")
    reader.subscribe("smart-quarterly", currency="USD")
    invoice = Invoice.objects.get(customer=reader.customer)
    assert parts(invoice) == (1_500, 1_500, 0, 0, 0, 0)
    assert invoice.tax_rate_bp == 0
    assert (invoice.supply_type, invoice.place_of_supply) == ("EXPWOP", "96")


def test_an_export_without_an_lut_in_force_pays_igst(reader_factory, settings):
    # s.16(3)(b): without a bond or LUT, an export is made on payment of IGST. $15 incl. 18%:
    # taxable 1500 / 1.18 = 1271.19 → 1271 cents, IGST 18% × 1271 = 228.78 → 229 cents.
    settings.GST_LUT_REFERENCE, settings.GST_LUT_VALID_UNTIL = "AD2704260012345", "2020-03-31"
    reader = reader_factory(state_code="", country_code="US")
    reader.subscribe("smart-quarterly", currency="USD")
    invoice = Invoice.objects.get(customer=reader.customer)
    assert parts(invoice) == (1_500, 1_271, 0, 0, 229, 0)
    assert (invoice.supply_type, invoice.place_of_supply) == ("EXPWP", "96")


def test_a_reader_in_maharashtra_paying_in_dollars_pays_gst_like_any_reader_there(
    reader_factory, settings
):
    # Not an export: the recipient and the place of supply are in India (s.2(6)(ii)-(iii)),
    # whatever the currency. $15 incl. 18%: taxable 1271 cents, CGST = SGST = 9% × 1271 =
    # 114.39 → 114 cents each; 1271 + 228 = 1499, round off +1 cent.
    settings.GST_LUT_REFERENCE, settings.GST_LUT_VALID_UNTIL = "AD2704260012345", "2099-03-31"
    reader = reader_factory(state_code=MAHARASHTRA, country_code="IN")
    reader.subscribe("smart-quarterly", currency="USD")
    invoice = Invoice.objects.get(customer=reader.customer)
    assert parts(invoice) == (1_500, 1_271, 114, 114, 0, 1)
    assert (invoice.supply_type, invoice.place_of_supply) == ("B2C", MAHARASHTRA)


def test_the_renewal_invoice_uses_the_rate_in_force_when_it_is_issued(reader, settings):
    bought(reader)
    settings.GST_RATE_BASIS_POINTS = 1200  # the rate changes during the quarter
    reader.advance(days=89, hours=12)
    renewal = Invoice.objects.get(customer=reader.customer, kind="recurring")
    assert renewal.status == InvoiceStatus.PAID
    assert (renewal.tax_rate_bp, renewal.taxable_minor) == (1200, 80_357)
    first = Invoice.objects.get(customer=reader.customer, kind="initial")
    assert (first.tax_rate_bp, first.taxable_minor) == (1800, 76_271)  # unchanged


def pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


def test_the_issued_invoice_shows_sac_gstin_and_the_sellers_address(reader, settings):
    invoice = bought(reader)
    text = pdf_text(render_invoice_pdf(invoice))
    assert invoice.number in text
    assert settings.SAC_CODE in text
    assert settings.PUBLISHER_GSTIN in text
    assert settings.PUBLISHER_LEGAL_NAME in text
    assert " ".join(settings.PUBLISHER_ADDRESS.split()) in text
    assert "CGST" in text and "SGST" in text and "IGST" not in text


def test_an_issued_invoice_keeps_the_seller_it_was_issued_by(reader, settings):
    invoice = bought(reader)
    old_address = settings.PUBLISHER_ADDRESS
    settings.PUBLISHER_ADDRESS = "1 New Street, Pune 411001"
    invoice.refresh_from_db()
    text = pdf_text(render_invoice_pdf(invoice))
    assert " ".join(old_address.split()) in text
    assert "New Street" not in text


def test_an_issued_invoice_refuses_to_be_numbered_again_or_voided(reader):
    invoice = bought(reader)
    before = Invoice.objects.values().get(pk=invoice.pk)
    later = reader.now() + dt.timedelta(days=400)  # another financial year, another number
    with pytest.raises(InvoiceFrozen, match=invoice.number), transaction.atomic():
        invoicing.issue_invoice(invoice=invoice, issued_at=later)
    with pytest.raises(InvoiceFrozen, match="cannot be voided"):
        invoicing.void_invoice(invoice=invoice)
    assert Invoice.objects.values().get(pk=invoice.pk) == before  # number, sums, date, status


def test_a_second_successful_payment_for_an_issued_invoice_is_refused(reader):
    invoice = bought(reader)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            invoice=invoice,
            amount_minor=invoice.total_minor,
            currency=invoice.currency,
            gateway="sandbox",
            idempotency_key="stray-second-charge",
            status=PaymentStatus.SUCCEEDED,
            attempt=2,
        )
    assert Payment.objects.filter(invoice=invoice).count() == 1


def test_ending_a_subscription_never_voids_its_issued_invoices(reader):
    invoice = bought(reader)
    sub = invoice.subscription
    services.staff_end_now(subscription=sub, refund_unused=False)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert renewals.open_renewal_invoice(sub) is None
    assert sub.invoices.count() == 1
    assert invoice.issued_at <= reader.now() + dt.timedelta(seconds=1)
