"""Tax document numbers by CGST Rule 46(b) and Rule 53: at most 16 characters of
``A-Z a-z 0-9 - /``, consecutive and unique per financial year and series; the prefix checked
at start-up (reference note §1)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.checks import run_checks
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from masthead.billing import invoicing
from masthead.billing.models import Invoice, InvoiceKind, InvoiceStatus
from masthead.billing.numbering import (
    CREDIT_SERIES,
    INVOICE_SERIES,
    NumberTooLong,
    document_number,
    prefix_problem,
)

RULE_46_B = re.compile(r"^[A-Za-z0-9/-]{1,16}$")


def test_the_first_invoice_and_credit_note_of_2026_27_fit_in_16_characters():
    # The issue found ML/2026-27/000001 (17 characters) and ML/CN/2026-27/000001 (20).
    invoice = document_number(
        prefix="ML", series=INVOICE_SERIES, financial_year="2026-27", serial=1
    )
    note = document_number(prefix="ML", series=CREDIT_SERIES, financial_year="2026-27", serial=1)
    assert (invoice, note) == ("ML/2627/000001", "MLC/2627/000001")
    assert len(invoice) == 14 and len(note) == 15


@given(
    prefix=st.from_regex(r"\A[A-Z][A-Z0-9]{0,2}\Z"),
    series=st.sampled_from([INVOICE_SERIES, CREDIT_SERIES]),
    start=st.integers(min_value=2017, max_value=2098),
    serial=st.integers(min_value=1, max_value=999_999),
)
def test_every_number_a_valid_prefix_makes_obeys_rule_46(prefix, series, start, serial):
    fy = f"{start}-{str(start + 1)[-2:]}"
    number = document_number(prefix=prefix, series=series, financial_year=fy, serial=serial)
    assert RULE_46_B.match(number)
    assert len(number) <= 16
    assert not number.startswith(("0", "/", "-"))  # the IRP refuses these
    assert number == number.upper()  # and lower case


def test_a_series_that_outgrows_16_characters_is_refused_not_truncated():
    with pytest.raises(NumberTooLong, match="16 characters"):
        document_number(prefix="MLG", series=CREDIT_SERIES, financial_year="2026-27", serial=10**7)


@pytest.mark.parametrize("prefix", ["", "ml", "0ML", "MLGX", "M-L", "/ML"])
def test_a_prefix_that_cannot_make_valid_numbers_stops_start_up(settings, prefix):
    settings.INVOICE_PREFIX = prefix
    errors = [m for m in run_checks() if m.id == "masthead.E131"]
    assert len(errors) == 1
    assert "16 characters" in errors[0].msg
    assert prefix_problem("ML") == ""


def test_a_publisher_gstin_with_a_wrong_check_character_stops_start_up(settings):
    settings.PUBLISHER_GSTIN = "27AABCM1234F1Z5"  # the old default: check character is X
    errors = [m for m in run_checks() if m.id == "masthead.E132"]
    assert len(errors) == 1
    assert "check character" in errors[0].msg
    settings.PUBLISHER_GSTIN = "27AABCM1234F1ZX"
    assert [m for m in run_checks() if m.id == "masthead.E132"] == []


class _RolledBack(Exception):
    pass


def _issue_then_roll_back(invoice: Invoice, at: dt.datetime) -> None:
    try:
        with transaction.atomic():
            invoicing.issue_invoice(invoice=invoice, issued_at=at)
            raise _RolledBack
    except _RolledBack:
        pass


@pytest.mark.django_db(transaction=True)
def test_invoices_are_numbered_gap_free_per_financial_year(reader):
    """Numbers are consecutive within a financial year and start again at 1 in the next;
    a rolled-back payment returns its number."""
    reader.subscribe("smart-quarterly")
    sub = reader.customer.subscriptions.get()
    first = Invoice.objects.get(customer=reader.customer, status=InvoiceStatus.PAID)
    fy = first.financial_year
    numbers = [first.number]
    for index in range(1, 4):
        start = sub.current_period_start + dt.timedelta(days=91 * index)
        invoice = invoicing.open_invoice(
            subscription=sub,
            kind=InvoiceKind.RECURRING,
            period_start=start,
            period_end=start + dt.timedelta(days=91),
            amount_minor=90_000,
        )
        if index == 2:
            _issue_then_roll_back(invoice, first.issued_at)
            invoice.refresh_from_db()
            assert invoice.number is None  # the rollback took the number back
        with transaction.atomic():
            invoicing.issue_invoice(invoice=invoice, issued_at=first.issued_at)
        numbers.append(invoice.number)
    short = f"{fy[2:4]}{fy[-2:]}"
    assert numbers == [f"ML/{short}/{n:06d}" for n in range(1, 5)]
    # The next financial year (1 April, IST) starts at 1 again.
    start = sub.current_period_start + dt.timedelta(days=500)
    later = invoicing.open_invoice(
        subscription=sub,
        kind=InvoiceKind.RECURRING,
        period_start=start,
        period_end=start + dt.timedelta(days=91),
        amount_minor=90_000,
    )
    with transaction.atomic():
        invoicing.issue_invoice(invoice=later, issued_at=start)
    assert later.number.endswith("/000001")
    assert later.financial_year != fy
