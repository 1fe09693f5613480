"""What every billing service shares: the refusals it raises, the timeline it writes, the
reader's access it moves, and the subscription row lock."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from masthead.access import services as access
from masthead.access.models import GrantSource
from masthead.billing.clock import now_for
from masthead.billing.models import BillingEvent, Customer, Subscription
from masthead.core.money import Money, format_money


class BillingError(Exception):
    """A refusal the reader or staff can act on; the message says what to do."""


class PaymentDeclined(BillingError):
    """The gateway refused the payment; the message is the bank's reason and what to do."""


class AlreadySubscribed(BillingError):
    """The reader already has a live subscription: manage it rather than buy a second."""


def _shown(minor: int, currency: str) -> str:
    return format_money(Money(int(minor), currency), locale=settings.LOCALE)


# --- Records ----------------------------------------------------------------------------


def record_event(
    *,
    customer: Customer,
    subscription: Subscription | None,
    kind: str,
    message: str,
    at: dt.datetime,
    **data: object,
) -> None:
    BillingEvent.objects.create(
        customer=customer,
        subscription=subscription,
        kind=kind,
        message=message[:300],
        occurred_at=at,
        data={k: str(v) for k, v in data.items()},
    )


def grant_reference(subscription: Subscription) -> str:
    return f"subscription:{subscription.pk}"


def _set_access_until(subscription: Subscription, until: dt.datetime) -> None:
    """The subscription's grants run to ``until`` (billing clock): extended or cut short."""
    customer = subscription.customer
    now = now_for(customer)
    access.sync_grants(
        user=customer.user,
        source=GrantSource.SUBSCRIPTION,
        source_reference=grant_reference(subscription),
        benefits=list(subscription.plan.benefits),
        starts_at=now - dt.timedelta(seconds=1),
        ends_at=until,
    )


def _end_access_now(subscription: Subscription) -> None:
    _set_access_until(subscription, now_for(subscription.customer))


def _locked(subscription_id: int) -> Subscription:
    return (
        Subscription.objects.select_for_update(of=("self",))
        .select_related("customer", "customer__test_clock", "plan")
        .get(pk=subscription_id)
    )


def _day(moment: dt.datetime | None) -> str:
    if moment is None:
        return "–"
    return f"{timezone.localtime(moment):%-d %b %Y}"
