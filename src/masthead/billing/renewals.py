"""The billing clock's sweep: renewals, pre-debit notices, retries, expiries.

``run_due_work`` does everything that is due, once. Workers on many machines may run it at the
same moment: each claims a batch with ``SELECT ... FOR UPDATE SKIP LOCKED`` and pushes the
claimed rows' ``next_action_at`` forward by a lease, so no two workers take the same row; if a
worker dies, the lease runs out and another picks the row up. Whatever happens twice anyway is
absorbed by unique constraints (one recurring invoice per period, one successful payment per
invoice, one notice per renewal) and by idempotency keys at the gateway.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from masthead.billing import lifecycles, queue, tasks
from masthead.billing.clock import now_for
from masthead.billing.event_emails import shown_moment, shown_money
from masthead.billing.gateways import get_gateway
from masthead.billing.gateways.base import (
    ChargeResult,
    ChargesInBatches,
    ChargeStatus,
    GatewayError,
)
from masthead.billing.invoicing import (
    RenewalToInvoice,
    charge_total,
    open_invoice,
    open_renewal_invoices,
    price_of,
)
from masthead.billing.models import (
    LIVE_STATUSES,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Payment,
    PaymentStatus,
    PlanPrice,
    PreDebitNotice,
    Subscription,
    SubscriptionStatus,
)
from masthead.billing.periods import Period, period
from masthead.billing.services import attempts, common, endings, hosted, settlement
from masthead.core.bulk import insert_rows

logger = logging.getLogger(__name__)
LEASE = dt.timedelta(minutes=10)
ENDING_SOON = settlement.ENDING_SOON_NOTICE
ABANDON_AFTER = dt.timedelta(hours=1)


@dataclass
class RunReport:
    processed: int = 0
    failed: int = 0


def _due() -> Q:
    return Q(customer__test_clock__isnull=True, next_action_at__lte=timezone.now()) | Q(
        customer__test_clock__isnull=False,
        next_action_at__lte=F("customer__test_clock__frozen_time"),
    )


def _lease_until(due: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    return max(due or now, now) + LEASE


def claim_due(*, batch: int) -> list[int]:
    """Claim up to ``batch`` due subscriptions for this worker."""
    with transaction.atomic():
        query = Subscription.objects.filter(_due(), status__in=LIVE_STATUSES).order_by(
            "next_action_at"
        )
        if connection.features.has_select_for_update_skip_locked:
            query = query.select_for_update(skip_locked=True, of=("self",))
        rows = list(
            query.values_list("pk", "next_action_at", "customer__test_clock__frozen_time")[:batch]
        )
        if rows:
            # The lease runs from *now* (the customer's clock), not from when the row fell
            # due: a backlog hours overdue must not be claimable again at once by another worker.
            real_now = timezone.now()
            # Rows due on the real clock all get the same lease: one UPDATE, not a value each.
            leases: dict[dt.datetime, list[int]] = {}
            for pk, due, clock_now in rows:
                leases.setdefault(_lease_until(due, clock_now or real_now), []).append(pk)
            for until, pks in leases.items():
                Subscription.objects.filter(pk__in=pks).update(next_action_at=until)
    return [pk for pk, _due, _clock in rows]


def run_due_work(
    *, batch: int = 200, limit: int | None = None, progress: Callable[[int], None] | None = None
) -> RunReport:
    report = RunReport()
    while limit is None or report.processed < limit:
        ids = claim_due(batch=batch if limit is None else min(batch, limit - report.processed))
        if not ids:
            break
        report.failed += process_batch(subscription_ids=ids)
        report.processed += len(ids)
        if progress:
            progress(report.processed)
    return report


@dataclass
class _Renewal:
    sub: Subscription
    upcoming: Period
    amount: int  # the price, before any GST added on top (see ``charge_total``)


def process_batch(*, subscription_ids: list[int]) -> int:
    """Do the due work of claimed subscriptions; returns how many must be tried again later.

    Renewals that are simply due to be charged, on a gateway that takes batches (the
    sandbox), go through ``renew_batch``: a few statements for the whole batch. Everything
    else (notices, dunning, endings, pending payments to reconcile, the real gateways, which
    charge one at a time over the network) goes through ``process``, one subscription at a time.
    """
    subs = list(
        Subscription.objects.select_related(
            "customer", "customer__user", "customer__test_clock", "plan", "next_plan"
        ).filter(pk__in=subscription_ids)
    )
    chargeable, one_by_one = _chargeable_now(subs)
    failed = 0
    for gateway_name, renewals_ in chargeable.items():
        gateway = get_gateway(gateway_name)
        assert isinstance(gateway, ChargesInBatches)
        try:
            one_by_one += renew_batch(renewals=renewals_, gateway=gateway)
        except GatewayError:
            # The gateway is unreachable: the lease runs out and the rows are tried again.
            logger.warning("gateway %s unavailable for %d renewals", gateway_name, len(renewals_))
            failed += len(renewals_)
        except Exception:
            # Anything else: one by one, where ``process`` first reconciles any payment the
            # batch left pending, and a fault in one subscription stays with that one.
            logger.exception("renewal batch on %s failed; renewing one by one", gateway_name)
            one_by_one += [r.sub.pk for r in renewals_]
    for subscription_id in sorted(one_by_one):
        try:
            process(subscription_id=subscription_id)
        except GatewayError:
            logger.warning("gateway unavailable for subscription %s", subscription_id)
            failed += 1
        except Exception:
            # A bad row or a bug: this subscription keeps its lease and is tried again when
            # the lease runs out; the rest of the batch renews.
            logger.exception(
                "due work for subscription %s failed; tried again in %s",
                subscription_id,
                LEASE,
                extra={"subscription_id": subscription_id},
            )
            failed += 1
    return failed


def _charges_in_batches(gateway_name: str) -> bool:
    return isinstance(get_gateway(gateway_name), ChargesInBatches)


def _chargeable_now(subs: list[Subscription]) -> tuple[dict[str, list[_Renewal]], list[int]]:
    """(renewals to charge now in batches, by gateway; ids to process one by one), from what
    ``process`` and ``_renew`` would find, read for the whole batch in four queries."""
    ids = [sub.pk for sub in subs]
    with_pending = set(
        Payment.objects.filter(
            invoice__subscription_id__in=ids, status=PaymentStatus.PENDING
        ).values_list("invoice__subscription_id", flat=True)
    )
    paid_before = set(
        Invoice.objects.filter(subscription_id__in=ids, status=InvoiceStatus.PAID)
        .values_list("subscription_id", flat=True)
        .distinct()
    )
    next_prices = {
        (price.plan_id, price.currency): int(price.amount_minor)
        for price in PlanPrice.objects.filter(
            plan_id__in={sub.next_plan_id for sub in subs if sub.next_plan_id is not None}
        )
    }
    candidates: list[_Renewal] = []
    one_by_one: list[int] = []
    for sub in subs:
        try:
            renewal = _batch_candidate(sub, with_pending, paid_before, next_prices)
        except Exception:
            renewal = None  # ``process`` meets the same fault and logs it, for this one alone
        if renewal is None:
            one_by_one.append(sub.pk)
        else:
            candidates.append(renewal)
    notices = {
        (notice.subscription_id, notice.period_start): notice
        for notice in PreDebitNotice.objects.filter(
            subscription_id__in=[c.sub.pk for c in candidates if c.sub.currency == "INR"],
            period_start__in={c.upcoming.start for c in candidates},
        )
    }
    chargeable: dict[str, list[_Renewal]] = {}
    for renewal in candidates:
        sub = renewal.sub
        now = now_for(sub.customer)
        end = sub.current_period_end
        if end is None:
            one_by_one.append(sub.pk)  # a bad row: ``process`` logs it, for this one alone
            continue
        if sub.currency == "INR":
            notice = notices.get((sub.pk, renewal.upcoming.start))
            total = charge_total(
                customer=sub.customer, amount_minor=renewal.amount, currency=sub.currency
            )
            if (
                notice is None
                or notice.amount_minor != total
                or now < notice.charge_on
                or total > sub.customer.mandate_limit_minor
            ):
                one_by_one.append(sub.pk)  # a notice to send, a wait, or the reader to ask
                continue
        elif now < end - dt.timedelta(hours=24):
            one_by_one.append(sub.pk)
            continue
        chargeable.setdefault(sub.customer.gateway, []).append(renewal)
    return chargeable, one_by_one


def _batch_candidate(
    sub: Subscription,
    with_pending: set[int],
    paid_before: set[int],
    next_prices: dict[tuple[int, str], int],
) -> _Renewal | None:
    """The renewal to charge in a batch, or None when ``process`` must look at it alone."""
    if (
        sub.pk in with_pending
        or sub.status != SubscriptionStatus.ACTIVE
        or sub.cancel_at_period_end
        or not _charges_in_batches(sub.customer.gateway)
    ):
        return None
    upcoming = _next_period(sub, paid=sub.pk in paid_before)
    amount = _scheduled_amount(sub, upcoming)
    if sub.next_plan_id is not None:
        amount = next_prices.get((sub.next_plan_id, sub.currency), amount)
    return _Renewal(sub=sub, upcoming=upcoming, amount=amount)


def renew_batch(*, renewals: list[_Renewal], gateway: ChargesInBatches) -> list[int]:
    """Charge and settle many due renewals; returns the ids left for ``process`` instead.

    The same three steps as ``attempt_renewal``, each once for the batch: (1) one transaction
    locks the subscriptions and writes their invoices and pending payments with their keys;
    (2) one call to the gateway, outside any transaction; (3) one transaction records the
    outcomes. A crash after (1) or (2) leaves pending payments, which the next sweep reconciles
    with the gateway by key before anything is charged again.
    """
    try:
        with transaction.atomic():
            live = set(
                Subscription.objects.select_for_update(of=("self",))
                .filter(
                    pk__in=[r.sub.pk for r in renewals],
                    status__in=(SubscriptionStatus.ACTIVE, SubscriptionStatus.PAST_DUE),
                )
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            renewals = [r for r in renewals if r.sub.pk in live]
            invoices = open_renewal_invoices(
                renewals=[
                    RenewalToInvoice(
                        subscription=r.sub,
                        period_start=r.upcoming.start,
                        period_end=r.upcoming.end,
                        amount_minor=r.amount,
                    )
                    for r in renewals
                ]
            )
            renewals = [r for r in renewals if invoices[r.sub.pk].status == InvoiceStatus.OPEN]
            keys = {_renewal_key(r.sub, r.upcoming, attempt=1): r for r in renewals}
            payments = {
                p.idempotency_key: p for p in Payment.objects.filter(idempotency_key__in=keys)
            }
            payments.update(
                (p.idempotency_key, p)
                for p in insert_rows(
                    [
                        Payment(
                            invoice=invoices[r.sub.pk],
                            amount_minor=invoices[r.sub.pk].total_minor,
                            currency=invoices[r.sub.pk].currency,
                            gateway=r.sub.customer.gateway,
                            idempotency_key=key,
                            attempt=1,
                        )
                        for key, r in keys.items()
                        if key not in payments
                    ]
                )
            )
    except IntegrityError:
        # Someone else wrote one of these invoices or payments meanwhile (a lease that ran
        # out under a slow worker): nothing of the batch was written; go one by one, where
        # get-or-create absorbs it.
        return [r.sub.pk for r in renewals]
    to_charge = [p for p in payments.values() if p.status == PaymentStatus.PENDING]
    if not to_charge:
        return []
    by_payment = {p.pk: keys[p.idempotency_key].sub.customer for p in to_charge}
    results = settlement.charge_payments(gateway=gateway, payments=to_charge, customers=by_payment)
    settlement.settle_renewal_payments(results=results)
    return []


def _renewal_key(sub: Subscription, upcoming: Period, *, attempt: int) -> str:
    return f"renewal:{sub.pk}:{upcoming.start:%Y%m%d%H%M}:{attempt}"


def next_period(sub: Subscription) -> Period:
    return _next_period(sub, paid=sub.invoices.filter(status=InvoiceStatus.PAID).exists())


def _next_period(sub: Subscription, *, paid: bool) -> Period:
    if sub.anchor is None:
        raise ValueError("An active subscription has an anchor.")
    index = sub.period_index + 1 if paid else 0  # 0 is the first paid period after a trial
    months = (sub.next_plan or sub.plan).period_months
    if sub.next_plan_id is not None and paid:
        # A downgrade starts a new run of periods from the current period's end.
        assert sub.current_period_end is not None
        return period(anchor=sub.current_period_end, index=0, months=months)
    return period(anchor=sub.anchor, index=index, months=months)


def renewal_amount(sub: Subscription, upcoming: Period | None = None) -> int:
    """The next period's price (tax excluded when prices exclude it; see ``charge_total``)."""
    if sub.next_plan_id is not None:
        price = PlanPrice.objects.filter(plan_id=sub.next_plan_id, currency=sub.currency).first()
        if price is not None:
            return int(price.amount_minor)
    if upcoming is None and sub.next_amount_minor is not None and sub.anchor is not None:
        upcoming = next_period(sub)
    return _scheduled_amount(sub, upcoming)


def _scheduled_amount(sub: Subscription, upcoming: Period | None) -> int:
    """The subscription's price for ``upcoming``: a price change staff scheduled applies from
    the renewal it names (``services.price_change``), the reader having been told ahead."""
    if (
        upcoming is not None
        and sub.next_amount_minor is not None
        and sub.next_amount_from is not None
        and upcoming.start >= sub.next_amount_from
    ):
        return int(sub.next_amount_minor)
    return int(sub.amount_minor)


def process(*, subscription_id: int) -> None:
    sub = Subscription.objects.select_related(
        "customer", "customer__user", "customer__test_clock", "plan", "next_plan"
    ).get(pk=subscription_id)
    now = now_for(sub.customer)
    pending = list(
        Payment.objects.filter(
            invoice__subscription=sub, status=PaymentStatus.PENDING
        ).select_related("invoice")
    )
    for payment in pending:
        reconcile_payment(payment=payment, now=now)
    if pending:
        sub.refresh_from_db()
    if sub.status == SubscriptionStatus.PENDING:
        _reschedule(sub, now + ABANDON_AFTER)
    elif sub.status == SubscriptionStatus.ACTIVE and sub.cancel_at_period_end:
        _run_out(sub, now)
    elif sub.status == SubscriptionStatus.ACTIVE:
        _renew(sub, now)
    elif sub.status == SubscriptionStatus.PAST_DUE:
        _dun(sub, now)


def _reschedule(sub: Subscription, when: dt.datetime | None) -> None:
    Subscription.objects.filter(pk=sub.pk).update(next_action_at=when)


def reconcile_payment(*, payment: Payment, now: dt.datetime) -> None:
    """A payment left pending (a crash after writing the key): ask the gateway first."""
    subscription = payment.invoice.subscription
    if payment.invoice.kind == InvoiceKind.INITIAL and subscription.gateway_checkout_id:
        # A hosted checkout whose reader never came back: the gateway says whether they paid.
        if now - payment.created_at >= ABANDON_AFTER:
            with contextlib.suppress(common.BillingError):
                hosted.complete_hosted_checkout(
                    subscription=subscription, answer={}, abandon_if_unpaid=True
                )
        return
    gateway = get_gateway(payment.gateway)
    found = gateway.find_charge(idempotency_key=payment.idempotency_key)
    if Invoice.objects.filter(pk=payment.invoice_id).exclude(status=InvoiceStatus.OPEN).exists():
        _retire_superseded(payment=payment, found=found, now=now)
        return
    if found is not None:
        settlement.settle_payment(payment_id=payment.pk, result=found)
        return
    if payment.invoice.kind == InvoiceKind.RECURRING:
        # Never reached the gateway: charging now under the same key is safe.
        result = settlement.charge_payment(
            payment=payment, customer=payment.invoice.customer, off_session=True
        )
        settlement.settle_payment(payment_id=payment.pk, result=result)
    elif now - payment.created_at >= ABANDON_AFTER:
        # A checkout the reader never finished: nothing was charged.
        settlement.settle_payment(
            payment_id=payment.pk,
            result=ChargeResult(status=ChargeStatus.FAILED, failure_code="abandoned"),
        )


def _retire_superseded(*, payment: Payment, found: ChargeResult | None, now: dt.datetime) -> None:
    """Another attempt paid this payment's invoice (the reader paid while this one was left
    pending by a crash), or the invoice was voided: this attempt must not charge, and a charge
    it did make is a second charge for one invoice, returned to the reader in full."""
    refunded = 0
    if found is not None and found.status == ChargeStatus.SUCCEEDED:
        get_gateway(payment.gateway).refund(
            gateway_payment_id=found.gateway_payment_id,
            amount_minor=int(payment.amount_minor),
            idempotency_key=f"superseded:{payment.idempotency_key}",
        )
        refunded = int(payment.amount_minor)
    with transaction.atomic():
        retired = Payment.objects.filter(
            pk=payment.pk, status__in=(PaymentStatus.PENDING, PaymentStatus.REQUIRES_ACTION)
        ).update(
            status=PaymentStatus.FAILED,
            failure_code="superseded",
            failure_message="The invoice was settled by another payment.",
            gateway_payment_id=found.gateway_payment_id if found else "",
            refunded_minor=refunded,
            settled_at=now,
        )
        if retired:
            invoice = payment.invoice
            common.record_event(
                customer=invoice.customer,
                subscription=invoice.subscription,
                kind="payment_superseded",
                message=(
                    f"Attempt {payment.idempotency_key} not needed: invoice already settled"
                    + ("; its charge was refunded in full" if refunded else "")
                ),
                at=now,
            )


def _run_out(sub: Subscription, now: dt.datetime) -> None:
    end = sub.current_period_end
    assert end is not None
    if now >= end:
        endings.end_at_period_end(subscription_id=sub.pk)
        return
    if now >= end - ENDING_SOON and not sub.events.filter(kind="ending_soon_sent").exists():
        with transaction.atomic():
            common.record_event(
                customer=sub.customer,
                subscription=sub,
                kind="ending_soon_sent",
                message=f"Told the reader access ends {end:%d %b %Y}",
                at=now,
            )
            queue.after_commit(tasks.send_access_ending_soon, subscription_id=sub.pk)
        _reschedule(sub, end)
        return
    _reschedule(sub, end - ENDING_SOON if now < end - ENDING_SOON else end)


def _renew(sub: Subscription, now: dt.datetime) -> None:
    end = sub.current_period_end
    assert end is not None
    upcoming = next_period(sub)
    price = renewal_amount(sub, upcoming)
    if sub.currency == "INR":
        # India: the notice states the exact amount debited, GST included. The invoice for
        # ``price`` totals ``charge_total`` of it, and a renewal whose total differs from the
        # notice (a plan or tax change since) waits for a fresh notice and 24 hours.
        total = charge_total(customer=sub.customer, amount_minor=price, currency=sub.currency)
        notice = PreDebitNotice.objects.filter(
            subscription=sub, period_start=upcoming.start
        ).first()
        notice_due = end - dt.timedelta(hours=settings.PRE_DEBIT_NOTICE_HOURS)
        if notice is None or notice.amount_minor != total:
            if now < notice_due:
                _reschedule(sub, notice_due)
                return
            if not _gateway_still_collects(sub):
                return
            notice = _send_notice(sub=sub, upcoming=upcoming, amount=total, now=now, old=notice)
        if now < notice.charge_on:
            _reschedule(sub, notice.charge_on)
            return
        if notice.amount_minor != total:
            # Another worker's notice for another amount won a race: never charge other than
            # notified; the next run re-notifies.
            _reschedule(sub, now + LEASE)
            return
        if total > sub.customer.mandate_limit_minor:
            _ask_to_authenticate(sub=sub, upcoming=upcoming, price=price)
            return
    elif now < end - dt.timedelta(hours=24):
        _reschedule(sub, end - dt.timedelta(hours=24))
        return
    elif not _gateway_still_collects(sub):
        return
    attempt_renewal(sub=sub, upcoming=upcoming, amount=price, attempt=1)


def _gateway_still_collects(sub: Subscription) -> bool:
    """Before a notice or the first ask for a gateway-scheduled renewal: the gateway's mandate
    must still be live. A cancellation at the bank whose webhook was lost is found here, so
    the reader gets no notice and no dunning for a mandate they stopped (``lifecycles``).
    Saved cards on our own clock (the batch path) are never asked."""
    if not sub.gateway_subscription_id:
        return True
    synced = lifecycles.sync_quietly(subscription=sub)
    return synced.status == SubscriptionStatus.ACTIVE and not synced.cancel_at_period_end


def _send_notice(
    *,
    sub: Subscription,
    upcoming: Period,
    amount: int,
    now: dt.datetime,
    old: PreDebitNotice | None,
) -> PreDebitNotice:
    """Tell the reader ``amount`` (the total to be debited, GST included) will be charged."""
    end = sub.current_period_end
    assert end is not None
    # At least 24 hours' notice, and ideally a day before the period ends.
    charge_on = max(end - dt.timedelta(hours=24), now + dt.timedelta(hours=24))
    with transaction.atomic():
        if old is not None:
            # The amount changed after the notice (a plan change): a fresh notice, fresh 24 hours.
            PreDebitNotice.objects.filter(pk=old.pk).update(
                amount_minor=amount, charge_on=charge_on, sent_at=now
            )
            notice = PreDebitNotice.objects.get(pk=old.pk)
        else:
            try:
                with transaction.atomic():
                    notice = PreDebitNotice.objects.create(
                        subscription=sub,
                        period_start=upcoming.start,
                        amount_minor=amount,
                        currency=sub.currency,
                        charge_on=charge_on,
                        sent_at=now,
                    )
            except IntegrityError:
                return PreDebitNotice.objects.get(subscription=sub, period_start=upcoming.start)
        common.record_event(
            customer=sub.customer,
            subscription=sub,
            kind="pre_debit_notice",
            # Staff read the timeline in money and the publisher's time zone, as readers do.
            message=f"Pre-debit notice: {shown_money(amount, sub.currency)} on "
            f"{shown_moment(charge_on)}",
            at=now,
        )
        queue.after_commit(tasks.send_pre_debit_notice, notice_id=notice.pk)
        Subscription.objects.filter(pk=sub.pk).update(next_action_at=charge_on)
    return notice


def _ask_to_authenticate(*, sub: Subscription, upcoming: Period, price: int) -> None:
    """Above the mandate's limit: no off-session charge; the reader confirms with their bank."""
    with transaction.atomic():
        invoice = open_invoice(
            subscription=sub,
            kind=InvoiceKind.RECURRING,
            period_start=upcoming.start,
            period_end=upcoming.end,
            amount_minor=price,
        )
        payment, _ = Payment.objects.get_or_create(
            idempotency_key=f"renewal:{sub.pk}:{upcoming.start:%Y%m%d%H%M}:auth",
            defaults={
                "invoice": invoice,
                "amount_minor": invoice.total_minor,
                "currency": invoice.currency,
                "gateway": sub.customer.gateway,
                "attempt": len(settings.BILLING_RETRY_DAYS) + 1,
            },
        )
    settlement.settle_payment(
        payment_id=payment.pk,
        result=ChargeResult(
            status=ChargeStatus.REQUIRES_ACTION,
            failure_code="mandate_limit",
            failure_message=(
                "This renewal is above your mandate's limit, so your bank needs you to "
                "confirm it. Pay now to keep reading."
            ),
        ),
    )


def attempt_renewal(*, sub: Subscription, upcoming: Period, amount: int, attempt: int) -> None:
    """Charge the renewal invoice for ``upcoming`` (opened for the price ``amount`` if it is
    not open yet); the payment is for the invoice's total, tax included."""
    with transaction.atomic():
        locked = Subscription.objects.select_for_update().get(pk=sub.pk)
        if locked.status not in (SubscriptionStatus.ACTIVE, SubscriptionStatus.PAST_DUE):
            return
        invoice = open_invoice(
            subscription=locked,
            kind=InvoiceKind.RECURRING,
            period_start=upcoming.start,
            period_end=upcoming.end,
            amount_minor=amount,
        )
        if invoice.status != InvoiceStatus.OPEN:
            return
        key = _renewal_key(sub, upcoming, attempt=attempt)
        payment, created = Payment.objects.get_or_create(
            idempotency_key=key,
            defaults={
                "invoice": invoice,
                "amount_minor": invoice.total_minor,
                "currency": invoice.currency,
                "gateway": sub.customer.gateway,
                "attempt": attempt,
            },
        )
        if not created and payment.status != PaymentStatus.PENDING:
            return
    result = settlement.charge_payment(payment=payment, customer=sub.customer, off_session=True)
    settlement.settle_payment(payment_id=payment.pk, result=result)


def open_renewal_invoice(sub: Subscription) -> Invoice | None:
    return (
        sub.invoices.filter(status=InvoiceStatus.OPEN, kind=InvoiceKind.RECURRING)
        .order_by("-period_start")
        .first()
    )


def _dun(sub: Subscription, now: dt.datetime) -> None:
    """Past due: retry on the schedule; after the last retry (or an unanswered request to
    authenticate), end the subscription unpaid."""
    invoice = open_renewal_invoice(sub)
    if invoice is None:
        endings.end_unpaid(subscription_id=sub.pk)
        return
    attempts = invoice.payments.count()
    waiting = invoice.payments.filter(status=PaymentStatus.REQUIRES_ACTION).exists()
    if waiting or attempts > len(settings.BILLING_RETRY_DAYS):
        endings.end_unpaid(subscription_id=sub.pk)
        return
    upcoming = Period(
        index=sub.period_index + 1, start=invoice.period_start, end=invoice.period_end
    )
    attempt_renewal(sub=sub, upcoming=upcoming, amount=price_of(invoice), attempt=attempts + 1)


def pay_now(*, subscription: Subscription) -> attempts.ReaderPayment:
    """The reader, present, pays the open renewal invoice (after a failure, or to authenticate).

    Tabs, retries and parallel requests make one charge (``services.attempts``); a request that
    arrives after another paid the invoice gets that payment back as its answer.
    """
    invoice = open_renewal_invoice(subscription)
    if invoice is None:
        just_paid = _paid_just_now(subscription)
        if just_paid is None:
            raise common.BillingError("There is nothing to pay: your subscription is up to date.")
        return attempts.ReaderPayment(payment=just_paid)
    payment = attempts.reader_attempt(
        invoice_id=invoice.pk,
        key_prefix=f"paynow:{invoice.pk}:",
        gateway=subscription.customer.gateway,
    )
    return attempts.charge_attempt(payment=payment, customer=subscription.customer)


# A pay now arriving this soon after another request paid the invoice is the same reader's
# second tab or retry: it is answered with that payment rather than "nothing to pay".
REPEAT_WINDOW = dt.timedelta(minutes=10)


def _paid_just_now(subscription: Subscription) -> Payment | None:
    now = now_for(subscription.customer)
    return (
        Payment.objects.filter(
            invoice__subscription=subscription,
            invoice__kind=InvoiceKind.RECURRING,
            idempotency_key__startswith="paynow:",
            status=PaymentStatus.SUCCEEDED,
            settled_at__gte=now - REPEAT_WINDOW,
        )
        .order_by("-pk")
        .first()
    )


def settle_confirmation(*, subscription: Subscription) -> Invoice | None:
    """The open renewal invoice, after settling its payment that waits for the reader's bank
    with what the gateway now says about it. Never charges: a payment the gateway never saw
    (above the mandate's limit) is left for the reader to pay now."""
    invoice = open_renewal_invoice(subscription)
    if invoice is None:
        return None
    waiting = (
        invoice.payments.filter(status__in=(PaymentStatus.REQUIRES_ACTION, PaymentStatus.PENDING))
        .exclude(gateway_payment_id="")
        .order_by("-pk")
        .first()
    )
    if waiting is not None:
        found = get_gateway(waiting.gateway).find_charge(idempotency_key=waiting.idempotency_key)
        # A reader's payment held for their bank's answer (``services.attempts``) stays held
        # while the bank still waits: only an answer settles it.
        held = waiting.status == PaymentStatus.PENDING
        if found is not None and not (held and found.status == ChargeStatus.REQUIRES_ACTION):
            settlement.settle_payment(payment_id=waiting.pk, result=found)
    invoice.refresh_from_db()
    return invoice
