"""Every billing email says only what happened (issue 13): each is sent by the real flow and
its text checked against what the flow did."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.contrib.auth.models import User

from masthead.access.services import CompDuration
from masthead.billing import services
from masthead.billing.models import (
    CreditNote,
    Invoice,
    InvoiceKind,
    Payment,
    PaymentStatus,
    Plan,
    SubscriptionStatus,
)
from masthead.billing.tests.conftest import NO_FUNDS

pytestmark = pytest.mark.django_db(transaction=True)


def subjects(mailoutbox) -> list[str]:
    return [m.subject for m in mailoutbox]


def test_a_refund_sends_its_own_email_with_the_credit_note_attached(reader, mailoutbox):
    reader.subscribe("smart-quarterly")
    payment = Payment.objects.get(status=PaymentStatus.SUCCEEDED)
    mailoutbox.clear()
    services.refund(payment=payment, amount_minor=30_000, reason="Goodwill", idempotency_key="r1")
    note = CreditNote.objects.get()
    [message] = mailoutbox
    assert message.subject == f"We've refunded ₹300.00 ({note.number})"
    assert note.number == "MLC/2526/000001"  # ≤ 16 characters (Rule 53)
    assert f"reduces tax invoice {payment.invoice.number}" in message.body
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == ("MLC-2526-000001.pdf", "application/pdf")
    assert content.startswith(b"%PDF")


def test_an_upgrade_is_announced_as_a_plan_change_with_the_right_plan_and_its_credit(
    reader, mailoutbox
):
    sub = reader.subscribe("smart-quarterly")
    reader.advance(days=44, step_hours=24)
    mailoutbox.clear()
    services.change_plan(subscription=sub, plan=Plan.objects.get(slug="smart-essential"))
    upgrade = Invoice.objects.get(kind=InvoiceKind.PRORATION)
    first = Invoice.objects.get(kind=InvoiceKind.INITIAL)
    # The issue: an upgrade to a year of Smart Essential read "Smart Quarterly — 3 months".
    assert upgrade.description.startswith("Smart Essential — 1 year digital subscription, ")
    [full, less] = upgrade.lines
    assert full["amount_minor"] == 270_000  # the new plan's price
    assert less["description"].startswith("Less: unused part of Smart Quarterly, ")
    assert f"(invoice {first.number})" in less["description"]
    assert full["amount_minor"] + less["amount_minor"] == upgrade.total_minor
    [message] = mailoutbox
    assert message.subject == f"You've moved to Smart Essential ({upgrade.number})"
    assert "renewed" not in message.body
    assert "changed from Smart Quarterly to Smart Essential" in message.body
    assert "Unused part credited" in message.body


def test_a_renewal_after_a_downgrade_names_the_new_plan(reader, mailoutbox):
    sub = reader.subscribe("smart-essential")
    services.change_plan(subscription=sub, plan=Plan.objects.get(slug="smart-quarterly"))
    assert any("plan changes to Smart Quarterly" in s for s in subjects(mailoutbox))
    reader.advance(days=366, step_hours=24)
    renewal = Invoice.objects.get(kind=InvoiceKind.RECURRING)
    assert renewal.description.startswith("Smart Quarterly — 3 months digital subscription, ")
    assert renewal.total_minor == 90_000


def test_a_failed_renewal_names_the_gateways_reason_and_the_next_attempt(reader, mailoutbox):
    reader.subscribe("smart-quarterly")
    reader.use_card(NO_FUNDS)
    reader.advance(days=90, step_hours=6)
    failed = [m for m in mailoutbox if "didn't go through" in m.subject]
    assert failed, subjects(mailoutbox)
    body = failed[0].body
    assert "The test gateway said:" in body
    assert "(code insufficient_funds)" in body
    assert "Your bank said" not in body
    assert "We will try again on " in body
    assert "This email is your notice of that debit" in body


def test_a_retry_is_charged_at_least_24_hours_after_the_email_that_announced_it(reader):
    reader.subscribe("smart-quarterly")
    reader.use_card(NO_FUNDS)
    reader.advance(days=96, step_hours=3)
    attempts = list(
        Payment.objects.filter(invoice__kind=InvoiceKind.RECURRING).order_by("created_at")
    )
    assert len(attempts) >= 2
    for earlier, later in itertools.pairwise(attempts):
        # The failure email goes out when the attempt fails (settled_at); the sandbox settles
        # the next attempt when it is made. Both are on the reader's clock (created_at is the
        # wall clock, so comparing it would always pass).
        assert later.settled_at - earlier.settled_at >= dt.timedelta(hours=24)


def test_the_last_dunning_message_says_the_subscription_has_ended_and_how_to_come_back(
    reader, mailoutbox
):
    sub = reader.subscribe("smart-quarterly")
    reader.use_card(NO_FUNDS)
    reader.advance(days=110, step_hours=12)
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.ENDED
    # No failure email asks to pay before a day already past (the last retry, day 5, comes
    # after the 3 days' grace).
    failures = [m for m in mailoutbox if "didn't go through" in m.subject]
    assert "Your access paused on" in failures[-1].body
    assert "continues until" not in failures[-1].body
    last = mailoutbox[-1]
    assert last.subject == "Your Meridian Ledger subscription has ended"
    assert "has ended" in last.body
    assert "Subscribe again: http://127.0.0.1:8000/subscribe/" in last.body
    assert "Pay before" not in last.body


def test_a_renewal_above_the_mandate_limit_asks_for_approval_and_claims_no_attempt(
    reader, mailoutbox
):
    reader.customer.mandate_limit_minor = 50_000  # below ₹900
    reader.customer.save()
    reader.subscribe("smart-quarterly")
    reader.advance(days=90, step_hours=6)
    # The pre-debit notice before it says it will not be charged automatically.
    notice = [m for m in mailoutbox if "will need your approval" in m.subject]
    assert len(notice) == 1, subjects(mailoutbox)
    assert "will not be charged automatically" in notice[0].body
    assert "renews automatically" not in notice[0].body
    approval = [m for m in mailoutbox if "Please approve" in m.subject]
    assert len(approval) == 1, subjects(mailoutbox)
    body = approval[0].body
    assert "we have not charged it" in body
    assert "Approve the payment: http://127.0.0.1:8000/subscribe/my/pay/" in body
    assert "Approve by" in body
    assert not [m for m in mailoutbox if "didn't go through" in m.subject]
    assert "tried to collect" not in "".join(m.body for m in mailoutbox)


def test_staff_ending_a_subscription_tells_the_reader_with_the_refund(reader, mailoutbox):
    sub = reader.subscribe("smart-quarterly")
    reader.advance(days=30, step_hours=24)
    mailoutbox.clear()
    refunded = services.staff_end_now(subscription=sub, refund_unused=True, note="Duplicate")
    assert refunded > 0
    ended = [m for m in mailoutbox if m.subject.endswith("has been ended")]
    assert len(ended) == 1
    assert "Their note: Duplicate" in ended[0].body
    assert "is being refunded" in ended[0].body
    assert any(m.subject.startswith("We've refunded") for m in mailoutbox)


def test_complimentary_time_gets_its_own_email(reader, mailoutbox):
    sub = reader.subscribe("smart-quarterly")
    mailoutbox.clear()
    staff = User.objects.create_user("desk", "desk@example.com", is_staff=True)
    services.give_complimentary(
        customer=reader.customer, duration=CompDuration.ONE_MONTH, staff=staff
    )
    sub.refresh_from_db()
    [message] = mailoutbox
    assert "1 month free added" in message.subject
    assert "free of charge" in message.body
    assert "Your next renewal moves to" in message.body


def test_complimentary_time_for_a_reader_without_a_subscription_gets_its_own_email(
    reader_factory, mailoutbox
):
    # 10 Feb 2026 20:00 UTC is 11 Feb 01:30 in Kolkata; a month on is 11 Mar 01:30 in Kolkata
    # (10 Mar in UTC): the reader is told the publisher's day, 11 Mar 2026.
    reader = reader_factory(start=dt.datetime(2026, 2, 10, 20, 0, tzinfo=dt.UTC))
    staff = User.objects.create_user("desk2", "desk2@example.com", is_staff=True)
    mailoutbox.clear()
    services.give_complimentary(
        customer=reader.customer, duration=CompDuration.ONE_MONTH, staff=staff, note="Thank you"
    )
    [message] = mailoutbox
    assert message.to == [reader.user.email]
    assert message.subject == "1 month of Meridian Ledger, free"
    assert "1 month of complimentary access to The Meridian Ledger" in message.body
    assert "every benefit, until 11 Mar 2026." in message.body
    assert "10 Mar 2026" not in message.body
    assert "Thank you" in message.body
    assert "nothing will be charged" in message.body
    # Not the subscriber's wording: there is no renewal to move.
    assert "renewal" not in message.body
