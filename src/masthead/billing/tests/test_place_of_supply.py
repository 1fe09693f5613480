"""Place of supply and the tax head, for every State, price and rate (IGST Act s.12(2),
s.2(6), s.13(12); reference note §3-4), and the recipient on the invoice (CGST Rule 46)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from masthead.billing.gst_states import GST_STATES
from masthead.billing.invoicing import buyer_snapshot
from masthead.billing.models import Invoice, InvoiceStatus
from masthead.billing.numbering import INVOICE_SERIES, document_number
from masthead.billing.supply import supply_for
from masthead.billing.tax import split_tax

INDIAN_STATES = sorted(code for code in GST_STATES if code not in {"96", "97"})
TODAY = dt.date(2026, 11, 25)


@settings(max_examples=300, deadline=None)
@given(
    state=st.sampled_from(INDIAN_STATES),
    price=st.integers(min_value=0, max_value=10**11),
    rate_bp=st.sampled_from([0, 500, 1200, 1800, 2800]),
    inclusive=st.booleans(),
    serial=st.integers(min_value=1, max_value=999_999),
)
def test_for_every_state_price_and_rate_the_invoice_adds_up_and_cgst_equals_sgst(
    state, price, rate_bp, inclusive, serial
):
    from django.conf import settings as django_settings

    supply = supply_for(state_code=state, country_code="IN", gstin="", currency="INR", on=TODAY)
    # Same State as the publisher (27, Maharashtra): CGST + SGST; any other: IGST.
    assert supply.intra_state == (state == django_settings.PUBLISHER_STATE_CODE)
    assert supply.place_of_supply == state
    split = split_tax(
        amount_minor=price, rate_bp=rate_bp, intra_state=supply.intra_state, inclusive=inclusive
    )
    assert split.taxable + split.cgst + split.sgst + split.igst + split.round_off == split.total
    assert split.cgst == split.sgst
    assert abs(split.round_off) <= 1
    if supply.intra_state:
        assert split.igst == 0
    else:
        assert split.cgst == 0
    number = document_number(
        prefix="ML", series=INVOICE_SERIES, financial_year="2026-27", serial=serial
    )
    assert len(number) <= 16


@pytest.mark.parametrize(
    ("recipient", "expected"),  # recipient: State, country, GSTIN, currency
    [
        # Reader in Maharashtra paying dollars: not an export (s.2(6)(ii)-(iii)).
        (("27", "IN", "", "USD"), ("27", "B2C", True)),
        # Reader in Karnataka: IGST, place of supply 29.
        (("29", "IN", "", "INR"), ("29", "B2C", False)),
        # Registered buyer in Karnataka: B2B, IGST.
        (("29", "IN", "29AABCM1234F1ZT", "INR"), ("29", "B2B", False)),
        # Reader abroad paying rupees: not an export (s.2(6)(iv)); IGST, place of supply 96.
        (("", "US", "", "INR"), ("96", "B2C", False)),
        # Reader abroad paying dollars, LUT in force: export without IGST.
        (("", "US", "", "USD"), ("96", "EXPWOP", False)),
        # An Indian State on record contradicts a foreign country: not an export.
        (("29", "US", "", "USD"), ("29", "B2C", False)),
    ],
)
def test_the_place_of_supply_follows_the_recipient_not_the_currency(settings, recipient, expected):
    state, country, gstin, currency = recipient
    settings.GST_LUT_REFERENCE, settings.GST_LUT_VALID_UNTIL = "AD270426001234X", "2027-03-31"
    supply = supply_for(
        state_code=state, country_code=country, gstin=gstin, currency=currency, on=TODAY
    )
    assert (supply.place_of_supply, supply.supply_type, supply.intra_state) == expected
    assert supply.rate_bp == (0 if expected[1] == "EXPWOP" else 1800)


def test_an_lut_that_has_lapsed_no_longer_zero_rates(settings):
    settings.GST_LUT_REFERENCE, settings.GST_LUT_VALID_UNTIL = "AD270426001234X", "2026-03-31"
    supply = supply_for(state_code="", country_code="US", gstin="", currency="USD", on=TODAY)
    assert (supply.supply_type, supply.rate_bp) == ("EXPWP", 1800)


@pytest.mark.django_db(transaction=True)
def test_the_invoice_carries_the_recipients_name_address_and_state(reader_factory):
    reader = reader_factory(state_code="29")
    customer = reader.customer
    customer.address, customer.city, customer.postal_code = "12 MG Road", "Bengaluru", "560001"
    customer.save()
    reader.subscribe("smart-quarterly")
    invoice = Invoice.objects.get(customer=customer, status=InvoiceStatus.PAID)
    assert invoice.buyer == {
        **buyer_snapshot(customer),
        "address": "12 MG Road",
        "city": "Bengaluru",
        "postal_code": "560001",
        "state_code": "29",
        "state_name": "Karnataka",
        "country_code": "IN",
    }
    assert (invoice.place_of_supply, invoice.supply_type) == ("29", "B2C")
    assert invoice.igst_minor == 13_729 and invoice.cgst_minor == 0  # 18% × ₹762.71
