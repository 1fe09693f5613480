from __future__ import annotations

import datetime as dt

import pytest

from masthead.insights import queries, snapshots
from masthead.insights.tests.ledger import NOW, november_ledger


@pytest.fixture
def ledger(db: None) -> None:
    """The hand-built ledger, and the worker's revenue snapshot of it as of now."""
    november_ledger()
    snapshots.take()


@pytest.fixture
def report(ledger: None) -> queries.RevenueReport:
    """November 2026's revenue report, seen on 1 December (the worker's snapshot then)."""
    snapshots.take(now=NOW)
    return queries.revenue_report(month=dt.date(2026, 11, 1), now=NOW)
