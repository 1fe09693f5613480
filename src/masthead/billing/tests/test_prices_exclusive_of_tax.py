"""Prices set to exclude GST (MASTHEAD_PRICES_INCLUDE_TAX=false) and to include it: the reader
is told, charged, invoiced and refunded the same amounts.

India's rule: the pre-debit notice states the exact amount the renewal debits. With prices
excluding tax that amount is the price plus GST, so the notice must carry the total.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from masthead.billing import renewals, services
from masthead.billing.models import (
    CreditNote,
    Invoice,
    InvoiceKind,
    Payment,
    PaymentStatus,
    Plan,
    PreDebitNotice,
    SandboxCharge,
    SubscriptionStatus,
)

pytestmark = pytest.mark.django_db(transaction=True)

QUARTERLY = 90_000  # ₹900, the demo plan's price
WITH_GST = 106_200  # ₹900 + 18% GST


@pytest.fixture(params=[True, False], ids=["prices-include-tax", "prices-exclude-tax"])
def include_tax(request, settings):
    settings.PRICES_INCLUDE_TAX = request.param
    settings.GST_RATE_BASIS_POINTS = 1800
    return request.param


def renew_once(reader):
    """Through the notice (48 h before the end), 24 hours, and the charge."""
    reader.advance(days=89, hours=12)


@pytest.mark.parametrize("sweep_path", ["batch", "one at a time"])
def test_the_pre_debit_notice_states_exactly_what_the_renewal_charges(
    reader, include_tax, monkeypatch, sweep_path
):
    if sweep_path == "one at a time":  # as on the real gateways
        monkeypatch.setattr(renewals, "_charges_in_batches", lambda gateway_name: False)
    sub = reader.subscribe("smart-quarterly")
    mail.outbox.clear()
    renew_once(reader)

    notice = PreDebitNotice.objects.get(subscription=sub)
    renewal = Payment.objects.get(invoice__kind=InvoiceKind.RECURRING)
    charge = SandboxCharge.objects.get(idempotency_key=renewal.idempotency_key)
    invoice = renewal.invoice
    expected = QUARTERLY if include_tax else WITH_GST
    assert notice.amount_minor == renewal.amount_minor == charge.amount_minor == expected
    assert invoice.total_minor == expected
    assert invoice.taxable_minor == (76_271 if include_tax else QUARTERLY)
    assert renewal.status == PaymentStatus.SUCCEEDED
    [told] = [m for m in mail.outbox if "upcoming charge" in m.subject.lower()]
    assert ("₹900.00" if include_tax else "₹1,062.00") in told.subject
    assert "(INR, GST included)" in told.body
    assert renewal.settled_at - notice.sent_at >= dt.timedelta(hours=24)


def test_the_checkout_and_each_renewal_charge_the_same_total(reader, include_tax):
    reader.subscribe("smart-quarterly")
    renew_once(reader)
    reader.advance(days=92)
    charged = list(SandboxCharge.objects.order_by("created_at").values_list("amount_minor"))
    assert charged == [(QUARTERLY if include_tax else WITH_GST,)] * 3


def test_after_a_downgrade_each_renewal_bills_the_next_period_at_the_new_price_once_taxed(
    reader, include_tax
):
    sub = reader.subscribe("smart-essential")
    services.change_plan(subscription=sub, plan=Plan.objects.get(slug="smart-quarterly"))
    reader.advance(days=365, step_hours=12)  # the downgrade takes effect at this renewal
    sub.refresh_from_db()
    assert sub.plan.slug == "smart-quarterly"
    assert sub.amount_minor == QUARTERLY  # the plan's price, not the taxed total
    reader.advance(days=92, step_hours=12)
    expected = QUARTERLY if include_tax else WITH_GST
    renewed = Invoice.objects.filter(subscription=sub, kind=InvoiceKind.RECURRING)
    # The quarters follow on from the year paid for: none in the past, none twice.
    assert [
        (i.period_start.date(), i.period_end.date(), i.total_minor)
        for i in renewed.order_by("period_start")
    ] == [
        (dt.date(2027, 1, 31), dt.date(2027, 4, 30), expected),
        (dt.date(2027, 4, 30), dt.date(2027, 7, 31), expected),
    ]
    notices = PreDebitNotice.objects.filter(subscription=sub).order_by("period_start")
    assert [n.amount_minor for n in notices] == [expected, expected]
    assert SandboxCharge.objects.count() == 3


def test_the_mandate_limit_applies_to_the_amount_debited_with_gst(reader, settings):
    settings.PRICES_INCLUDE_TAX = False
    reader.customer.mandate_limit_minor = 100_000  # above ₹900, below ₹1,062 with GST
    reader.customer.save()
    sub = reader.subscribe("smart-quarterly")
    renew_once(reader)
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.PAST_DUE
    waiting = Payment.objects.get(status=PaymentStatus.REQUIRES_ACTION)
    assert waiting.failure_code == "mandate_limit"
    assert waiting.amount_minor == WITH_GST
    assert SandboxCharge.objects.count() == 1  # only the checkout


def paid_payment(reader, plan="smart-quarterly"):
    reader.subscribe(plan)
    return Payment.objects.select_related("invoice").get(status=PaymentStatus.SUCCEEDED)


def test_a_refund_of_x_issues_a_credit_note_of_x_with_the_gst_inside(reader, include_tax):
    payment = paid_payment(reader)
    refunded = services.refund(
        payment=payment, amount_minor=30_000, reason="Goodwill", idempotency_key="refund-1"
    )
    assert refunded == 30_000
    note = CreditNote.objects.get()
    assert note.amount_minor == 30_000  # what went back to the reader, in either mode
    assert note.taxable_minor == 25_424  # ₹300 / 1.18
    assert note.cgst_minor + note.sgst_minor == 4_576
    assert note.taxable_minor + note.cgst_minor + note.sgst_minor == 30_000
    payment.refresh_from_db()
    assert payment.refunded_minor == 30_000
    assert SandboxCharge.objects.get().refunded_minor == 30_000


def test_refunds_stop_at_what_was_paid_and_cancel_the_invoice_to_the_paisa(reader, include_tax):
    payment = paid_payment(reader)
    paid = int(payment.amount_minor)
    assert paid == (QUARTERLY if include_tax else WITH_GST)
    for number, amount in enumerate([33_333, 1, 20_001], start=1):
        services.refund(
            payment=payment, amount_minor=amount, reason="", idempotency_key=f"r-{number}"
        )
    left = paid - 53_335
    with pytest.raises(services.BillingError, match="left to refund"):
        services.refund(
            payment=payment, amount_minor=left + 1, reason="", idempotency_key="too-much"
        )
    services.refund(payment=payment, amount_minor=left, reason="", idempotency_key="the-rest")
    notes = CreditNote.objects.all()
    invoice = payment.invoice
    assert sum(n.amount_minor for n in notes) == paid == invoice.total_minor
    assert sum(n.taxable_minor for n in notes) == invoice.taxable_minor
    assert sum(n.cgst_minor for n in notes) == invoice.cgst_minor
    assert sum(n.sgst_minor for n in notes) == invoice.sgst_minor
    with pytest.raises(services.BillingError, match="left to refund"):
        services.refund(payment=payment, amount_minor=1, reason="", idempotency_key="after")
    assert SandboxCharge.objects.get().refunded_minor == paid


def test_staff_ending_a_subscription_refunds_the_unused_share_of_the_total_paid(
    reader, include_tax
):
    sub = reader.subscribe("smart-quarterly")
    reader.advance(days=30)
    refunded = services.staff_end_now(subscription=sub, refund_unused=True)
    payment = Payment.objects.get()
    invoice = payment.invoice
    whole = invoice.period_end - invoice.period_start
    unused = invoice.period_end - reader.now()
    exact_share = int(payment.amount_minor) * unused // whole  # timedelta ratio: exact integers
    assert refunded == exact_share
    assert CreditNote.objects.get().amount_minor == refunded


def test_an_upgrade_charges_the_new_total_less_the_unused_share_of_what_was_paid(
    reader, include_tax
):
    """Worked by hand from the README's rule ("Changing plan"): the quarter runs 31 Jan → 30 Apr
    (89 days) and 44 days have passed, so 45/89 of what was paid is unused, rounded down to the
    paisa: ₹900 × 45/89 = 45,505.6… → 45,505 paise; with 18% GST on top the quarter cost
    ₹1,062, and 106,200 × 45/89 = 53,696.6… → 53,696 paise."""
    sub = reader.subscribe("smart-quarterly")
    reader.advance(days=44, step_hours=24)
    first = Payment.objects.get(invoice__kind=InvoiceKind.INITIAL)
    assert first.invoice.period_end - first.invoice.period_start == dt.timedelta(days=89)
    assert first.invoice.period_end - reader.now() == dt.timedelta(days=45)
    unused_paid = 45_505 if include_tax else 53_696
    services.change_plan(subscription=sub, plan=Plan.objects.get(slug="smart-essential"))

    upgrade = Invoice.objects.get(kind=InvoiceKind.PRORATION)
    charge = SandboxCharge.objects.get(
        idempotency_key=Payment.objects.get(invoice=upgrade).idempotency_key
    )
    new_total = 270_000 if include_tax else 318_600  # ₹2,700, or ₹2,700 + 18% GST
    assert 0 < unused_paid < first.amount_minor
    # What the reader pays is the new plan's total less what is left of the quarter they paid
    # for, GST included either way (a paisa of rounding at most, never in the reader's favour
    # twice): not the pre-tax price less a taxed credit, taxed again.
    assert abs(upgrade.total_minor - (new_total - unused_paid)) <= 1
    assert charge.amount_minor == upgrade.total_minor
    tax = upgrade.cgst_minor + upgrade.sgst_minor + upgrade.igst_minor
    assert upgrade.taxable_minor + tax + upgrade.round_off_minor == upgrade.total_minor
    assert upgrade.cgst_minor == upgrade.sgst_minor
