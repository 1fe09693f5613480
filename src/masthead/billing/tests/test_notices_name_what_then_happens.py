"""A notice is only true if what it names then happens (issue 13): each retry is charged on the
day and for the amount its failure email named as the pre-debit notice of that debit (RBI
e-mandate framework: date and amount at least 24 hours ahead; reference note §8, ADR 0017),
and a renewal above the mandate limit that is not approved ends on the day the approval email
gave as its deadline, with nothing charged."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest

from masthead.billing.models import (
    Invoice,
    InvoiceKind,
    Payment,
    PaymentStatus,
    SandboxCharge,
    SubscriptionStatus,
)
from masthead.billing.tests.conftest import NO_FUNDS

pytestmark = pytest.mark.django_db(transaction=True)
IST = ZoneInfo("Asia/Kolkata")
NAMED = re.compile(r"We will try again on (\d{1,2} \w{3} \d{4}) to collect (₹[\d,]+\.\d{2}) from ")


def day(moment) -> str:
    """The publisher's day as the emails write it: 4 May 2026."""
    local = moment.astimezone(IST)
    return f"{local.day} {local:%b %Y}"


def test_each_retry_is_charged_on_the_day_and_for_the_amount_its_failure_email_named(
    reader, mailoutbox
):
    reader.subscribe("smart-quarterly")  # ₹900 every 3 months
    reader.use_card(NO_FUNDS)
    reader.advance(days=100, step_hours=3)
    attempts = list(
        Payment.objects.filter(invoice__kind=InvoiceKind.RECURRING).order_by("created_at")
    )
    failures = [m.body for m in mailoutbox if "didn't go through" in m.subject]
    assert len(failures) == len(attempts) >= 2
    assert all(a.status == PaymentStatus.FAILED for a in attempts)
    # Every failure but the last names the next attempt; the next attempt is that debit.
    for body, retry in zip(failures, attempts[1:], strict=False):
        named = NAMED.search(body)
        assert named, body
        assert named.group(2) == "₹900.00" and retry.amount_minor == 90_000
        # The sandbox settles an attempt when it is made (settled_at is on the reader's clock).
        assert day(retry.settled_at) == named.group(1)
    # After the last attempt nothing more is named or taken; the reader is asked to pay now.
    assert NAMED.search(failures[-1]) is None
    assert "We will not try this payment again." in failures[-1]
    assert "Pay now: http://127.0.0.1:8000/" in failures[-1]


def test_an_unapproved_renewal_above_the_mandate_limit_ends_on_the_deadline_it_was_given(
    reader, mailoutbox
):
    reader.customer.mandate_limit_minor = 50_000  # the ₹900 renewal is above it
    reader.customer.save()
    sub = reader.subscribe("smart-quarterly")
    reader.advance(days=110, step_hours=6)
    [approval] = [m for m in mailoutbox if "Please approve" in m.subject]
    deadline = re.search(r"Approve the payment by (\d{1,2} \w{3} \d{4})", approval.body)
    assert deadline, approval.body
    assert approval.subject.endswith(f"renewal of ₹900.00 by {deadline.group(1)}")
    # The limit named is this reader's mandate's (₹500), which ₹900 is indeed above.
    assert "That is above the ₹500.00 your bank lets us charge automatically" in approval.body
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.ENDED
    assert day(sub.ended_at) == deadline.group(1)
    renewal = Invoice.objects.get(subscription=sub, kind=InvoiceKind.RECURRING)
    # Nothing was tried, as the email said: the gateway saw only the checkout's charge.
    assert not renewal.payments.filter(status=PaymentStatus.SUCCEEDED).exists()
    assert SandboxCharge.objects.count() == 1
