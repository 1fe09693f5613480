"""Every transition of a subscription's life, on the sandbox gateway and a test clock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from masthead.access.gate import Context, Reason, decide
from masthead.access.identity import Reader as GateReader
from masthead.access.models import Benefit
from masthead.access.selectors import active_benefits
from masthead.billing import renewals, services
from masthead.billing.gateways.base import ChargeResult, ChargeStatus
from masthead.billing.models import (
    EndReason,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentStatus,
    PreDebitNotice,
    SandboxCharge,
    Subscription,
    SubscriptionStatus,
)
from masthead.billing.services import settlement
from masthead.ops.testing import WorkerKilled

from .conftest import DECLINED, NO_FUNDS, START

pytestmark = pytest.mark.django_db(transaction=True)


def has_access(reader) -> bool:
    """What the gate would say right now, at the reader's clock translated to real time."""
    return Benefit.UNLIMITED_STORIES in active_benefits(user_id=reader.user.pk, now=reader.now())


def test_checkout_activates_at_once_with_an_invoice_and_a_receipt(reader):
    sub = reader.subscribe("smart-essential")
    assert sub.status == SubscriptionStatus.ACTIVE
    assert sub.current_period_start == reader.now()
    assert sub.current_period_end == dt.datetime(2027, 1, 31, 6, 30, tzinfo=dt.UTC)
    invoice = Invoice.objects.get(subscription=sub)
    assert invoice.status == InvoiceStatus.PAID
    assert invoice.number == "ML/2526/000001"  # ≤ 16 characters (CGST Rule 46(b))
    assert invoice.total_minor == 270_000
    assert invoice.cgst_minor + invoice.sgst_minor + invoice.taxable_minor == 270_000
    assert has_access(reader)
    assert any("receipt" in m.subject.lower() for m in mail.outbox)
    receipt = next(m for m in mail.outbox if "receipt" in m.subject.lower())
    assert receipt.attachments and receipt.attachments[0][0].endswith(".pdf")


def test_a_double_submit_creates_one_subscription_and_one_charge(reader):
    first = reader.subscribe(key="same-key-123456789")
    second = reader.subscribe(key="same-key-123456789")
    assert first.pk == second.pk
    assert Subscription.objects.count() == 1
    assert SandboxCharge.objects.count() == 1
    assert Payment.objects.count() == 1


def test_a_second_checkout_while_subscribed_is_refused_clearly(reader):
    reader.subscribe()
    with pytest.raises(services.AlreadySubscribed, match="already have a subscription"):
        reader.subscribe("super-saver")
    assert SandboxCharge.objects.count() == 1


def test_a_declined_card_at_checkout_leaves_no_subscription_running_and_no_invoice_number(
    reader_factory,
):
    reader = reader_factory(card=DECLINED)
    with pytest.raises(services.PaymentDeclined, match="declined"):
        reader.subscribe()
    sub = reader.subscription()
    assert sub.status == SubscriptionStatus.ENDED
    assert sub.end_reason == EndReason.ABANDONED
    assert not Invoice.objects.filter(number__isnull=False).exists()
    assert not has_access(reader)
    # ...and the reader can try again with another card.
    reader.use_card("pm_sandbox_4242424242424242")
    assert reader.subscribe().status == SubscriptionStatus.ACTIVE


def test_renewal_paid_moves_to_the_next_period_with_one_invoice(reader):
    sub = reader.subscribe("smart-quarterly")
    reader.advance(days=92)
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.ACTIVE
    assert sub.period_index == 1
    # Anchored on 31 Jan: 30 Apr, then 31 Jul (never drifting to the 30th).
    assert sub.current_period_start == dt.datetime(2026, 4, 30, 6, 30, tzinfo=dt.UTC)
    assert sub.current_period_end == dt.datetime(2026, 7, 31, 6, 30, tzinfo=dt.UTC)
    assert Invoice.objects.filter(subscription=sub, status=InvoiceStatus.PAID).count() == 2
    assert SandboxCharge.objects.count() == 2
    assert has_access(reader)


def test_india_pre_debit_notice_goes_out_at_least_24_hours_before_the_charge(reader):
    sub = reader.subscribe("smart-quarterly")
    reader.advance(days=92)
    notice = PreDebitNotice.objects.get(subscription=sub)
    charge = SandboxCharge.objects.order_by("created_at").last()
    renewal = Payment.objects.get(idempotency_key__startswith="renewal:")
    assert notice.amount_minor == renewal.amount_minor == charge.amount_minor == 90_000
    assert renewal.settled_at - notice.sent_at >= dt.timedelta(hours=24)
    assert any("₹900" in m.body and "upcoming charge" in m.subject.lower() for m in mail.outbox)


def test_a_renewal_above_the_mandate_limit_asks_the_reader_instead_of_charging(reader):
    reader.customer.mandate_limit_minor = 50_000  # below the ₹900 renewal
    reader.customer.save()
    sub = reader.subscribe("smart-quarterly")
    reader.advance(days=89, hours=12)
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.PAST_DUE
    assert SandboxCharge.objects.count() == 1  # only the checkout
    waiting = Payment.objects.get(status=PaymentStatus.REQUIRES_ACTION)
    assert waiting.failure_code == "mandate_limit"
    paid = renewals.pay_now(subscription=sub).payment  # the reader, present, confirms
    assert paid.status == PaymentStatus.SUCCEEDED
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.ACTIVE


def test_failed_renewal_gives_grace_then_retries_then_recovers(reader):
    sub = reader.subscribe("smart-quarterly")
    reader.use_card(NO_FUNDS)
    reader.advance(days=89, hours=12)  # the charge day
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.PAST_DUE
    assert sub.grace_until == sub.current_period_end + dt.timedelta(days=3)
    assert any("didn't go through" in m.subject for m in mail.outbox)
    reader.advance(days=2)  # past the period end, inside grace: still reading
    assert has_access(reader)
    reader.use_card("pm_sandbox_4242424242424242")
    reader.advance(days=2)  # the retry on day 3 succeeds
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.ACTIVE
    assert sub.period_index == 1
    assert has_access(reader)
    assert Invoice.objects.filter(subscription=sub, status=InvoiceStatus.PAID).count() == 2


def test_retries_exhausted_end_the_subscription_unpaid_and_access_stops(reader):
    sub = reader.subscribe("smart-quarterly")
    reader.use_card(DECLINED)
    reader.advance(days=97)
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.ENDED
    assert sub.end_reason == EndReason.UNPAID
    attempts = Payment.objects.filter(idempotency_key__startswith="renewal:").count()
    assert attempts == 4  # the charge and retries after 1, 3 and 5 days
    assert not has_access(reader)
    assert Invoice.objects.filter(subscription=sub, status=InvoiceStatus.VOID).count() == 1


def test_cancel_keeps_access_to_period_end_without_charging_and_can_be_undone(reader):
    sub = reader.subscribe("smart-quarterly")
    services.cancel(subscription=sub, reason="Too many subscriptions")
    sub.refresh_from_db()
    assert sub.cancel_at_period_end
    assert any("Access until 30 Apr 2026" in m.body for m in mail.outbox)
    services.undo_cancel(subscription=sub)
    services.cancel(subscription=sub)
    reader.advance(days=88)
    assert has_access(reader)
    reader.advance(days=2)
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.ENDED
    assert sub.end_reason == EndReason.CANCELLED
    assert not has_access(reader)
    assert SandboxCharge.objects.count() == 1
    assert not PreDebitNotice.objects.exists()


def test_undo_after_the_end_is_refused_and_resubscribing_starts_a_new_subscription(reader):
    sub = reader.subscribe("smart-quarterly")
    services.cancel(subscription=sub)
    reader.advance(days=91)
    with pytest.raises(services.BillingError):
        services.undo_cancel(subscription=Subscription.objects.get(pk=sub.pk))
    again = reader.subscribe("smart-quarterly")
    assert again.pk != sub.pk
    assert again.status == SubscriptionStatus.ACTIVE
    assert has_access(reader)


def test_staff_end_now_refunds_the_unused_part_pro_rata_with_a_credit_note(reader):
    sub = reader.subscribe("smart-essential")  # ₹2,700 for 365 days
    reader.advance(days=73, step_hours=24)  # a fifth of the year used
    refunded = services.staff_end_now(subscription=sub, refund_unused=True, note="Complaint")
    payment = Payment.objects.get(status=PaymentStatus.SUCCEEDED)
    assert refunded == 270_000 * (365 - 73) // 365
    assert payment.refunded_minor == refunded
    assert payment.invoice.credit_notes.get().amount_minor == refunded
    assert not has_access(reader)


def test_refunds_never_exceed_what_was_paid(reader):
    reader.subscribe()
    payment = Payment.objects.get()
    services.refund(payment=payment, amount_minor=60_000, reason="Goodwill", idempotency_key="r1")
    with pytest.raises(services.BillingError, match="left to refund"):
        services.refund(
            payment=payment, amount_minor=30_001, reason="Too much", idempotency_key="r2"
        )
    payment.refresh_from_db()
    assert payment.refunded_minor == 60_000


def test_upgrade_now_is_charged_less_the_unused_part(reader):
    sub = reader.subscribe("smart-quarterly")  # ₹900 for 3 months (89 days from 31 Jan)
    reader.advance(days=44, step_hours=24)
    services.change_plan(
        subscription=sub, plan=sub.plan.__class__.objects.get(slug="smart-essential")
    )
    sub.refresh_from_db()
    assert sub.plan.slug == "smart-essential"
    assert sub.current_period_start == reader.now()
    upgrade = Invoice.objects.get(kind="proration")
    # By hand: 45 of 89 days unused, 90,000 × 45 / 89 = 45,505.6… → 45,505 paise of credit;
    # Smart Essential's ₹2,700 less that is 224,495 paise.
    assert upgrade.total_minor == 270_000 - 45_505 == 224_495


def test_downgrade_waits_for_the_next_renewal(reader):
    sub = reader.subscribe("super-saver")
    services.change_plan(
        subscription=sub, plan=sub.plan.__class__.objects.get(slug="smart-quarterly")
    )
    sub.refresh_from_db()
    assert sub.plan.slug == "super-saver"
    assert sub.next_plan.slug == "smart-quarterly"
    reader.advance(days=731, step_hours=24)
    sub.refresh_from_db()
    assert sub.plan.slug == "smart-quarterly"
    assert Invoice.objects.filter(kind="recurring").get().total_minor == 90_000


@pytest.mark.parametrize(
    "sweep_path",
    [
        # The sandbox takes charges in batches: the sweep settles them with one call.
        "batch",
        # The real gateways charge one at a time: the sweep settles each payment alone.
        "one at a time",
    ],
)
def test_a_renewal_that_crashed_after_calling_the_gateway_reconciles_instead_of_charging_again(
    reader, monkeypatch, sweep_path
):
    sub = reader.subscribe("smart-quarterly")
    if sweep_path == "one at a time":
        monkeypatch.setattr(renewals, "_charges_in_batches", lambda gateway_name: False)
    settling = "settle_renewal_payments" if sweep_path == "batch" else "settle_payment"
    real_settle = getattr(settlement, settling)
    crashed = {"done": False}

    def crash_once(**kwargs):
        if not crashed["done"]:
            crashed["done"] = True
            raise WorkerKilled("worker killed after the gateway answered")
        return real_settle(**kwargs)

    monkeypatch.setattr(settlement, settling, crash_once)
    with pytest.raises(WorkerKilled):
        reader.advance(days=89, hours=12)
    monkeypatch.setattr(settlement, settling, real_settle)
    pending = Payment.objects.get(status=PaymentStatus.PENDING)
    assert SandboxCharge.objects.filter(idempotency_key=pending.idempotency_key).count() == 1
    # Once the crashed worker's ten-minute lease lapses, the next sweep asks the gateway
    # what happened under the stored key, and settles from that.
    reader.advance(hours=1)
    sub.refresh_from_db()
    assert sub.period_index == 1
    assert SandboxCharge.objects.count() == 2  # checkout + one renewal, never a second
    assert Payment.objects.get(pk=pending.pk).status == PaymentStatus.SUCCEEDED


def test_trial_then_first_charge_at_trial_end(reader):
    from masthead.billing.models import Plan

    Plan.objects.filter(slug="smart-quarterly").update(trial_days=14)
    sub = reader.subscribe("smart-quarterly")
    assert sub.status == SubscriptionStatus.ACTIVE
    assert SandboxCharge.objects.count() == 0
    assert has_access(reader)
    reader.advance(days=15)
    sub.refresh_from_db()
    assert SandboxCharge.objects.count() == 1
    assert sub.current_period_start == START + dt.timedelta(days=14)
    assert Invoice.objects.get(status=InvoiceStatus.PAID).kind == "recurring"


def test_settle_payment_is_idempotent(reader):
    sub = reader.subscribe()
    payment = Payment.objects.get()
    services.settle_payment(
        payment_id=payment.pk, result=ChargeResult(status=ChargeStatus.FAILED, failure_code="x")
    )
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.ACTIVE
    assert Payment.objects.get().status == PaymentStatus.SUCCEEDED


def test_the_gate_reads_billing_grants_for_stories(reader):
    from masthead.ops import testing

    testing.rule(free_limit=0)
    reader.subscribe()
    story = testing.article(access_level="premium")
    decision = decide(
        reader=GateReader(user_id=reader.user.pk, anonymous_id=None),
        article=story,
        context=Context(),
    )
    assert decision.reason == Reason.ENTITLED


def test_a_claimed_backlog_is_not_claimed_again_until_the_lease_runs_out(reader):
    reader.subscribe("smart-quarterly")
    from masthead.billing.clock import advance

    advance(reader.clock, by=dt.timedelta(days=95))  # long overdue
    claimed = renewals.claim_due(batch=10)
    assert len(claimed) == 1
    assert renewals.claim_due(batch=10) == []
    advance(reader.clock, by=renewals.LEASE + dt.timedelta(seconds=1))
    assert renewals.claim_due(batch=10) == claimed
