"""Revenue arithmetic over billing's ledger (``billing.revenue``): MRR, its movements, churn,
ARPU, lifetime value and cohorts. Pure functions: no database, so every rule is testable.

Rules (the revenue team's, stated once):
- A subscription's MRR is its current paid period's price divided by the period's months,
  rounded to the paisa half up (₹3,900 / 24 = ₹162.50; ₹299 / 3 = ₹99.67). Each subscription is
  rounded on its own, so totals are sums of the rows shown and movements add up exactly.
- It counts from the start of a paid period until the subscription ends (a past-due reader
  still counts, as the gateways' MRR reports do, until the retries give up). Trials and
  unpaid checkouts are not MRR.
- Movements of a period compare each customer's MRR (per currency, never converted) at its
  first instant and at the first instant after it: up from nothing is *new*, or
  *reactivation* if the customer paid before; down to nothing is *churn* (involuntary when
  the subscription ended unpaid, voluntary otherwise, staff ends included); otherwise
  *expansion* or *contraction*. So start + new + expansion + reactivation − contraction −
  churn = end, always.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from masthead.billing.revenue import Segment, SubscriptionLedger


def per_month(price_minor: int, months: int) -> int:
    """Price per month in minor units, rounded half up."""
    return (2 * price_minor + months) // (2 * months)


def segment_at(ledger: SubscriptionLedger, at: dt.datetime) -> Segment | None:
    if ledger.ended_at is not None and ledger.ended_at <= at:
        return None
    found = None
    for segment in ledger.segments:
        if segment.starts_at <= at:
            found = segment
        else:
            break
    return found


def mrr_at(ledger: SubscriptionLedger, at: dt.datetime) -> int:
    segment = segment_at(ledger, at)
    return per_month(segment.price_minor, segment.months) if segment else 0


@dataclass
class Movement:
    currency: str
    start_mrr: int = 0
    end_mrr: int = 0
    new: int = 0
    expansion: int = 0
    contraction: int = 0
    churn_voluntary: int = 0
    churn_involuntary: int = 0
    reactivation: int = 0
    customers_start: int = 0
    customers_end: int = 0
    new_customers: int = 0
    reactivated_customers: int = 0
    churned_customers: int = 0

    @property
    def churn(self) -> int:
        return self.churn_voluntary + self.churn_involuntary

    @property
    def adds_up(self) -> bool:
        return (
            self.start_mrr
            + self.new
            + self.expansion
            + self.reactivation
            - self.contraction
            - self.churn
            == self.end_mrr
        )

    @property
    def arpu(self) -> int:
        """Average MRR per paying customer at the end, rounded half up."""
        if not self.customers_end:
            return 0
        return (2 * self.end_mrr + self.customers_end) // (2 * self.customers_end)

    @property
    def lifetime_value(self) -> int | None:
        """ARPU ÷ monthly customer churn rate (ARPU × customers at start ÷ churned), half up;
        None when nobody churned (no finite estimate)."""
        if not self.churned_customers or not self.customers_start:
            return None
        numerator = self.arpu * self.customers_start
        return (2 * numerator + self.churned_customers) // (2 * self.churned_customers)


def movements(
    ledgers: Sequence[SubscriptionLedger], *, start: dt.datetime, end: dt.datetime
) -> dict[str, Movement]:
    """MRR movements per currency between the instants ``start`` and ``end``."""
    at_start: dict[tuple[int, str], int] = defaultdict(int)
    at_end: dict[tuple[int, str], int] = defaultdict(int)
    ended_unpaid: dict[tuple[int, str], bool] = {}
    paid_before: set[int] = set()
    for ledger in ledgers:
        key = (ledger.customer_id, ledger.currency)
        before = mrr_at(ledger, start)
        at_start[key] += before
        at_end[key] += mrr_at(ledger, end)
        if before:
            ended_unpaid[key] = ledger.end_reason == "unpaid"
        if any(s.starts_at < start for s in ledger.segments):
            paid_before.add(ledger.customer_id)
    result: dict[str, Movement] = {}
    for key in set(at_start) | set(at_end):
        a, b = at_start[key], at_end[key]
        if not a and not b:
            continue
        customer_id, currency = key
        m = result.setdefault(currency, Movement(currency=currency))
        m.start_mrr += a
        m.end_mrr += b
        m.customers_start += bool(a)
        m.customers_end += bool(b)
        if not a:
            if customer_id in paid_before:
                m.reactivation += b
                m.reactivated_customers += 1
            else:
                m.new += b
                m.new_customers += 1
        elif not b:
            m.churned_customers += 1
            if ended_unpaid.get(key):
                m.churn_involuntary += a
            else:
                m.churn_voluntary += a
        elif b > a:
            m.expansion += b - a
        elif a > b:
            m.contraction += a - b
    return dict(sorted(result.items()))


@dataclass(frozen=True, slots=True)
class Breakdown:
    currency: str
    label: str
    subscribers: int
    mrr: int


def mrr_breakdown(
    ledgers: Iterable[SubscriptionLedger], *, at: dt.datetime, by: str
) -> list[Breakdown]:
    """MRR and paying subscribers at ``at`` by ``plan`` or ``gateway`` (per currency)."""
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for ledger in ledgers:
        value = mrr_at(ledger, at)
        if value:
            label = ledger.plan_name if by == "plan" else ledger.gateway
            row = totals[(ledger.currency, label)]
            row[0] += 1
            row[1] += value
    return [
        Breakdown(currency=c, label=label, subscribers=n, mrr=v)
        for (c, label), (n, v) in sorted(
            totals.items(), key=lambda kv: (kv[0][0], -kv[1][1], kv[0][1])
        )
    ]


@dataclass(frozen=True, slots=True)
class StatusCounts:
    active: int
    trialling: int
    past_due: int
    cancelling: int


def status_counts(ledgers: Iterable[SubscriptionLedger]) -> StatusCounts:
    active = trialling = past_due = cancelling = 0
    for ledger in ledgers:
        if ledger.status == "past_due":
            past_due += 1
        elif ledger.status == "active":
            if ledger.is_trialling:
                trialling += 1
            elif ledger.cancel_at_period_end:
                cancelling += 1
            else:
                active += 1
    return StatusCounts(
        active=active, trialling=trialling, past_due=past_due, cancelling=cancelling
    )


@dataclass(frozen=True, slots=True)
class Renewal:
    subscription_id: int
    currency: str
    due_at: dt.datetime


def renewals_due(
    ledgers: Iterable[SubscriptionLedger], *, now: dt.datetime, days: int
) -> list[Renewal]:
    """Subscriptions that renew (active, paid, not cancelling) within ``days`` of ``now``."""
    until = now + dt.timedelta(days=days)
    return sorted(
        (
            Renewal(
                subscription_id=ledger.id,
                currency=ledger.currency,
                due_at=ledger.current_period_end,
            )
            for ledger in ledgers
            if ledger.status == "active"
            and not ledger.cancel_at_period_end
            and ledger.current_period_end is not None
            and now <= ledger.current_period_end < until
        ),
        key=lambda r: (r.due_at, r.subscription_id),
    )


@dataclass
class Cohort:
    month: dt.date
    size: int
    retained: list[int] = field(default_factory=list)  # paying at the end of month 0, 1, 2…


def cohorts(
    ledgers: Sequence[SubscriptionLedger], *, month_starts: Sequence[dt.datetime], now: dt.datetime
) -> list[Cohort]:
    """Customers by the month (``month_starts``: consecutive local month starts, aware) their
    first paid period began, and how many still paid at the end of each later month that
    has ended by ``now``."""
    first: dict[int, dt.datetime] = {}
    by_customer: dict[int, list[SubscriptionLedger]] = defaultdict(list)
    for ledger in ledgers:
        by_customer[ledger.customer_id].append(ledger)
        if ledger.segments:
            begun = ledger.segments[0].starts_at
            if ledger.customer_id not in first or begun < first[ledger.customer_id]:
                first[ledger.customer_id] = begun
    result = []
    for i, month_start in enumerate(month_starts[:-1]):
        members = [c for c, at in first.items() if month_start <= at < month_starts[i + 1]]
        cohort = Cohort(month=month_start.date(), size=len(members))
        for boundary in month_starts[i + 1 :]:
            if boundary > now:
                break
            cohort.retained.append(
                sum(1 for c in members if any(mrr_at(x, boundary) for x in by_customer[c]))
            )
        result.append(cohort)
    return result
