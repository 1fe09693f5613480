"""E-invoicing (reference note §6): the INV-01 v1.1 request, the IRN by the portal's rule,
the GSP adapter against recorded responses, retries that never block access, and the IRN and
QR code on the invoice."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from masthead.billing.documents import render_invoice_pdf
from masthead.billing.einvoice import services as einvoice
from masthead.billing.einvoice.clients import GspIrp, IrpError
from masthead.billing.einvoice.schema import irp_request
from masthead.billing.models import EInvoiceRegistration, Invoice, InvoiceStatus, TestClock
from masthead.billing.services.exchange_rates import record_exchange_rate
from masthead.billing.supply import SupplyType

pytestmark = pytest.mark.django_db(transaction=True)
RECORDED = Path(__file__).parent / "recorded" / "einvoice"
BUYER = "29AABCM1234F1ZT"


@pytest.fixture
def business_invoice(reader_factory):
    reader = reader_factory(state_code="29")
    c = reader.customer
    c.gstin, c.name, c.address, c.city, c.postal_code = (
        BUYER, "Acme Media Pvt Ltd", "12 MG Road", "Bengaluru", "560001"
    )  # fmt: skip
    c.save()
    reader.subscribe("smart-essential")
    return Invoice.objects.get(customer=c, status=InvoiceStatus.PAID)


def test_the_request_has_the_schema_1_1_mandatory_fields(business_invoice, settings):
    payload = irp_request(business_invoice)
    assert payload["Version"] == "1.1"
    assert payload["TranDtls"] == {"TaxSch": "GST", "SupTyp": "B2B", "RegRev": "N"}
    assert payload["DocDtls"]["Typ"] == "INV"
    assert payload["DocDtls"]["No"] == business_invoice.number
    assert payload["SellerDtls"]["Gstin"] == settings.PUBLISHER_GSTIN
    assert payload["SellerDtls"]["Pin"] == 400021  # from the publisher's address
    buyer = payload["BuyerDtls"]
    assert (buyer["Gstin"], buyer["Pos"], buyer["Stcd"], buyer["Pin"]) == (
        BUYER,
        "29",
        "29",
        560001,
    )
    [item] = payload["ItemList"]
    # ₹2,700 incl. 18 % IGST: 2288.14 + 411.87 − 0.01 round off.
    assert (item["IsServc"], item["HsnCd"], item["AssAmt"], item["GstRt"]) == (
        "Y", "998431", 2288.14, 18,
    )  # fmt: skip
    assert item["IgstAmt"] == 411.87
    assert payload["ValDtls"] == {
        "AssVal": 2288.14, "IgstVal": 411.87, "CgstVal": 0.0, "SgstVal": 0.0,
        "RndOffAmt": -0.01, "TotInvVal": 2700.0,
    }  # fmt: skip


def test_nothing_is_registered_while_e_invoicing_is_off(business_invoice, settings):
    settings.EINVOICE_ENABLED = False
    assert einvoice.register_due() == 0
    assert not EInvoiceRegistration.objects.exists()


def test_the_sandbox_irp_returns_the_irn_by_the_portals_rule_and_the_invoice_prints_it(
    business_invoice, settings
):
    settings.EINVOICE_ENABLED = True
    assert einvoice.register_due() == 1
    registration = EInvoiceRegistration.objects.get(invoice=business_invoice)
    # IRN = SHA-256(GSTIN + financial year + document type + number) [S24].
    fy = business_invoice.financial_year
    expected = hashlib.sha256(
        f"{settings.PUBLISHER_GSTIN}{fy}INV{business_invoice.number}".encode()
    ).hexdigest()
    assert registration.irn == expected and len(expected) == 64
    assert registration.signed_qr.count(".") == 2  # a compact JWS
    text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(render_invoice_pdf(business_invoice))).pages
    )
    assert expected[:40] in text.replace("\n", "")
    assert "E-INVOICE" in text


def test_b2c_invoices_are_not_sent_to_the_irp(reader, settings):
    settings.EINVOICE_ENABLED = True
    reader.subscribe("smart-quarterly")
    assert Invoice.objects.get().supply_type == SupplyType.B2C
    assert einvoice.register_due() == 0


def test_a_failed_registration_is_retried_shown_to_staff_and_blocks_nothing(
    business_invoice, settings, admin_client
):
    settings.EINVOICE_ENABLED, settings.EINVOICE_IRP = True, "gsp"
    settings.EINVOICE_GSP_URL = ""  # unreachable: not configured
    assert einvoice.register_due() == 0
    registration = EInvoiceRegistration.objects.get(invoice=business_invoice)
    assert registration.status == "failed"
    assert registration.attempts == 1
    assert "MASTHEAD_EINVOICE_GSP_URL" in registration.last_error
    assert registration.next_attempt_at is not None
    # The reader reads on: the invoice is issued and the subscription active.
    assert business_invoice.subscription.status == "active"
    page = admin_client.get("/admin/billing/einvoiceregistration/").content.decode()
    assert business_invoice.number in page and "MASTHEAD_EINVOICE_GSP_URL" in page
    # Not retried before its time; retried after it, and then registered.
    assert einvoice.register_due(now=registration.created_at) == 0
    settings.EINVOICE_IRP = "sandbox"
    assert einvoice.register_due(now=registration.next_attempt_at) == 1
    registration.refresh_from_db()
    assert (registration.status, registration.attempts) == ("registered", 2)


def _recorded(name: str):
    body = (RECORDED / name).read_bytes()

    def transport(url, headers, data):
        transport.seen = (url, headers, json.loads(data))
        return 200, body

    return transport


def test_the_gsp_adapter_reads_the_recorded_success(business_invoice, settings):
    settings.EINVOICE_GSP_URL = "https://gsp.example/api"
    transport = _recorded("generate_irn_success.json")
    result = GspIrp(transport=transport).register(irp_request(business_invoice))
    assert result.irn.startswith("a5c12dca80e7")
    assert result.ack_no == "112010036563310"
    assert result.signed_qr.startswith("eyJhbGciOiJSUzI1NiJ9.")
    url, headers, sent = transport.seen
    assert url == "https://gsp.example/api/eicore/v1.03/Invoice"
    assert headers["gstin"] == settings.PUBLISHER_GSTIN
    assert sent["Version"] == "1.1"


def test_the_gsp_adapter_turns_a_recorded_refusal_into_a_clear_error(business_invoice, settings):
    settings.EINVOICE_GSP_URL = "https://gsp.example/api"
    with pytest.raises(IrpError, match="2150: Duplicate IRN"):
        GspIrp(transport=_recorded("generate_irn_duplicate.json")).register(
            irp_request(business_invoice)
        )


# The 30-day limit (GSTN advisory of 5 Nov 2024), worked by hand in Asia/Kolkata (UTC+05:30):
# an invoice issued at 00:10 IST on 1 Nov 2026 (18:40 UTC on 31 Oct) is dated 1 Nov 2026; the
# advisory counts that day as the first of 30, so 30 Nov 2026 is the last day to report it.
# The sandbox reader's test clock is the billing clock the limit is judged on.
ISSUED = dt.datetime(2026, 10, 31, 18, 40, tzinfo=dt.UTC)  # 1 Nov 2026, 00:10 IST
LAST_MINUTE = dt.datetime(2026, 11, 30, 18, 29, tzinfo=dt.UTC)  # 30 Nov 2026, 23:59 IST
NEXT_DAY = dt.datetime(2026, 11, 30, 18, 35, tzinfo=dt.UTC)  # 1 Dec 2026, 00:05 IST


def test_the_advisorys_own_example_is_the_last_reporting_day():
    # "if an invoice has a date of Nov. 1, 2023, it cannot be reported after Nov. 30, 2023"
    assert einvoice.last_reporting_day(dt.date(2023, 11, 1)) == dt.date(2023, 11, 30)
    assert einvoice.last_reporting_day(dt.date(2025, 2, 1)) == dt.date(2025, 3, 2)


def test_an_invoice_past_the_30_day_limit_is_marked_too_late_and_never_retried(
    business_invoice, settings, admin_client
):
    settings.EINVOICE_ENABLED = True
    Invoice.objects.filter(pk=business_invoice.pk).update(issued_at=ISSUED)
    clock = business_invoice.customer.test_clock

    # Still 30 Nov in UTC, but 1 Dec in India: too late.
    TestClock.objects.filter(pk=clock.pk).update(frozen_time=NEXT_DAY)
    assert einvoice.register_due(now=NEXT_DAY) == 0
    registration = EInvoiceRegistration.objects.get(invoice=business_invoice)
    assert (registration.status, registration.attempts, registration.irn) == ("too_late", 0, "")
    assert registration.next_attempt_at is None
    assert registration.last_error.startswith(
        "Too late for the IRP: dated 01 Nov 2026, it could be reported until 30 Nov 2026"
    )
    # Not retried by the worker a week later; staff see the reason in the list.
    TestClock.objects.filter(pk=clock.pk).update(frozen_time=NEXT_DAY + dt.timedelta(days=7))
    assert einvoice.register_due(now=NEXT_DAY + dt.timedelta(days=7)) == 0
    registration.refresh_from_db()
    assert registration.status == "too_late"
    page = admin_client.get("/admin/billing/einvoiceregistration/").content.decode()
    assert business_invoice.number in page and "could be reported until 30 Nov 2026" in page
    assert "Too late for the IRP (30-day limit); not retried" in page


def test_on_its_last_day_in_india_the_invoice_is_still_registered(business_invoice, settings):
    settings.EINVOICE_ENABLED = True
    Invoice.objects.filter(pk=business_invoice.pk).update(issued_at=ISSUED)
    clock = business_invoice.customer.test_clock

    TestClock.objects.filter(pk=clock.pk).update(frozen_time=LAST_MINUTE)
    assert einvoice.register_due(now=LAST_MINUTE) == 1
    registration = EInvoiceRegistration.objects.get(invoice=business_invoice)
    assert registration.status == "registered" and registration.irn


def test_a_publisher_below_the_turnover_reports_old_invoices(business_invoice, settings):
    settings.EINVOICE_ENABLED, settings.EINVOICE_30_DAY_LIMIT = True, False
    Invoice.objects.filter(pk=business_invoice.pk).update(issued_at=ISSUED)
    clock = business_invoice.customer.test_clock

    TestClock.objects.filter(pk=clock.pk).update(frozen_time=NEXT_DAY + dt.timedelta(days=60))
    assert einvoice.register_due(now=NEXT_DAY + dt.timedelta(days=60)) == 1
    assert EInvoiceRegistration.objects.get(invoice=business_invoice).status == "registered"


@pytest.fixture
def dollar_export(reader_factory, settings):
    settings.GST_LUT_REFERENCE, settings.GST_LUT_VALID_UNTIL = "AD2704260012345", "2099-03-31"
    reader = reader_factory(state_code="", country_code="US")
    c = reader.customer
    c.name, c.address, c.city, c.postal_code = "Sam Lee", "200 Park Avenue", "New York", "10166"
    c.save()
    reader.subscribe("smart-essential", currency="USD")  # $45.00, 31 Jan 2026 in India
    return Invoice.objects.get(customer=c, status=InvoiceStatus.PAID)


def test_a_dollar_export_is_reported_to_the_irp_in_rupees_with_its_dollar_total(dollar_export):
    # INV-01 values are in rupees (TotInvValFc carries the foreign total); the rupees are at
    # the accountant's rate for the invoice's date (CGST Rule 34(2)): $45.00 × ₹84.1234 =
    # ₹3,785.553 → ₹3,785.55; under LUT no tax, so the taxable value is the same.
    record_exchange_rate(
        currency="USD", valid_from=dt.date(2026, 1, 31), valid_until=dt.date(2026, 1, 31),
        inr_per_unit=Decimal("84.1234"), source="RBI reference rate", entered_by="accountant",
    )  # fmt: skip
    payload = irp_request(dollar_export)
    assert payload["TranDtls"]["SupTyp"] == "EXPWOP"
    buyer = payload["BuyerDtls"]
    assert (buyer["Gstin"], buyer["Pos"], buyer["Stcd"]) == ("URP", "96", "96")
    assert buyer["Pin"] == 999999
    assert payload["ExpDtls"] == {"CntCode": "US", "ForCur": "USD"}
    assert payload["ValDtls"] == {
        "AssVal": 3785.55, "IgstVal": 0.0, "CgstVal": 0.0, "SgstVal": 0.0, "RndOffAmt": 0.0,
        "TotInvVal": 3785.55, "TotInvValFc": 45.0,
    }  # fmt: skip
    [item] = payload["ItemList"]
    assert (item["AssAmt"], item["GstRt"], item["TotItemVal"]) == (3785.55, 0, 3785.55)


def test_a_dollar_export_without_a_rate_waits_for_it_and_says_so(dollar_export, settings):
    settings.EINVOICE_ENABLED = True
    assert einvoice.register_due() == 0  # never sent as if $45.00 were ₹45.00
    registration = EInvoiceRegistration.objects.get(invoice=dollar_export)
    assert registration.status == "failed"
    assert "no exchange rate for 31 Jan 2026 is recorded yet" in registration.last_error
    assert registration.next_attempt_at is not None  # retried once the rate is in


def test_the_sellers_town_and_pin_come_from_the_publishers_address(business_invoice, settings):
    business_invoice.seller = {
        **business_invoice.seller, "address": "12 Brigade Road, Bengaluru 560001",
        "state_code": "29",
    }  # fmt: skip
    seller = irp_request(business_invoice)["SellerDtls"]
    assert (seller["Loc"], seller["Pin"], seller["Stcd"]) == ("Bengaluru", 560001, "29")
