"""What the verdicts judge: the ledger and the sends, read from the database with plain SQL,
plus what receivers and readers got (the SMTP sink's file, the load generator's records).

The rows are small plain tuples so a test can hand-build a bad ledger (soak/tests) and the
same verdict functions judge it; bench/renewals.py reads the same rows for its checks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Charge:
    """One charge the gateway (the sandbox's own ledger) says it took."""

    key: str
    payment_id: str
    amount: int
    currency: str
    status: str


@dataclass(frozen=True)
class Payment:
    id: int
    invoice_id: int
    key: str
    status: str
    amount: int
    currency: str
    gateway_payment_id: str


@dataclass(frozen=True)
class Invoice:
    id: int
    subscription_id: int | None
    kind: str
    status: str
    period_start: dt.datetime
    total: int
    currency: str
    financial_year: str = ""
    sequence: int | None = None
    number: str | None = None


@dataclass(frozen=True)
class Subscription:
    id: int
    status: str
    next_action_at: dt.datetime | None
    current_period_end: dt.datetime | None
    now: dt.datetime  # its customer's test clock, else the database's now
    clock: str = ""


@dataclass(frozen=True)
class WebhookEvent:
    event_id: str
    processed: bool
    error: str


@dataclass(frozen=True)
class Read:
    """A story page one reader asked for, and whether the whole story came back."""

    reader: str  # the meter key: "u:<user id>" signed in, "a:<anonymous id>" a browser
    story: int
    full: bool


@dataclass(frozen=True)
class Copy:
    """One newsletter copy the SMTP sink accepted."""

    recipient: str
    message_id: str


@dataclass
class Ledger:
    charges: list[Charge] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    invoices: list[Invoice] = field(default_factory=list)
    subscriptions: list[Subscription] = field(default_factory=list)
    webhook_events: list[WebhookEvent] = field(default_factory=list)
    # The newsletter issue the run sent: who should get it, what was recorded, what arrived.
    recipients: set[str] = field(default_factory=set)
    deliveries_unsent: int = 0
    copies: list[Copy] = field(default_factory=list)
    newsletter_kills: int = 0
    copies_in_flight_bound: int = 0
    # The meter.
    reads: list[Read] = field(default_factory=list)
    meter_limits: dict[str, int] = field(default_factory=dict)
    # reader_key -> the stories let through for that reader while the meter store was down.
    meter_misses_allowed: dict[str, set[int]] = field(default_factory=dict)
    # E-paper editions by status.
    editions: dict[str, int] = field(default_factory=dict)


def _rows(conn: Any, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    return list(conn.execute(sql, params).fetchall())


def fetch(conn: Any, *, issue_id: int | None = None) -> Ledger:
    """Read the billing ledger, webhooks, newsletter deliveries and meter misses (PostgreSQL)."""
    ledger = Ledger()
    ledger.charges = [
        Charge(*row)
        for row in _rows(
            conn,
            "SELECT idempotency_key, payment_id, amount_minor, currency, status "
            "FROM billing_sandboxcharge",
        )
    ]
    ledger.payments = [
        Payment(*row)
        for row in _rows(
            conn,
            "SELECT id, invoice_id, idempotency_key, status, amount_minor, currency, "
            "gateway_payment_id FROM billing_payment",
        )
    ]
    ledger.invoices = [
        Invoice(*row)
        for row in _rows(
            conn,
            "SELECT id, subscription_id, kind, status, period_start, total_minor, currency, "
            "financial_year, sequence, number FROM billing_invoice",
        )
    ]
    ledger.subscriptions = [
        Subscription(*row)
        for row in _rows(
            conn,
            "SELECT s.id, s.status, s.next_action_at, s.current_period_end, "
            "coalesce(tc.frozen_time, now()), coalesce(tc.name, '') FROM billing_subscription s "
            "JOIN billing_customer c ON c.id = s.customer_id "
            "LEFT JOIN billing_testclock tc ON tc.id = c.test_clock_id",
        )
    ]
    ledger.webhook_events = [
        WebhookEvent(event_id, processed_at is not None, error or "")
        for event_id, processed_at, error in _rows(
            conn, "SELECT event_id, processed_at, error FROM billing_webhookevent"
        )
    ]
    if issue_id is not None:
        ledger.recipients = {
            email.lower()
            for (email,) in _rows(
                conn,
                "SELECT s.email FROM newsletters_signup s JOIN newsletters_issue i "
                "ON i.newsletter_id = s.newsletter_id WHERE i.id = %s AND s.status = 'active'",
                issue_id,
            )
        }
        ledger.deliveries_unsent = _rows(
            conn,
            "SELECT count(*) FROM newsletters_delivery WHERE issue_id = %s AND status <> 'sent'",
            issue_id,
        )[0][0]
    for reader_key, article_id in _rows(
        conn, "SELECT reader_key, article_id FROM access_metermiss WHERE policy = 'allow'"
    ):
        ledger.meter_misses_allowed.setdefault(reader_key, set()).add(article_id)
    ledger.editions = dict(_rows(conn, "SELECT status, count(*) FROM epaper_edition GROUP BY 1"))
    return ledger
