"""The billing back office: plans, subscriptions, invoices, payments, refunds, timelines.

The admin only shows records and asks ``billing.services`` (and ``access.services``) to change
them: a subscription, invoice or payment is never saved from a form here, so staff cannot
hand-edit state and a stale page can never overwrite what a renewal wrote meanwhile.
Amounts are integer minor units, shown formatted (₹2,700.00) and typed in as decimals
("450.00") that are parsed with ``Decimal``, never float.

One module per area, each registering its own models: ``plans``, ``subscriptions``,
``invoices`` (and credit notes), ``payments`` (and refunds), ``customers`` (and complimentary
access), ``clocks`` (sandbox test clocks), ``records`` (pre-debit notices, webhook events, the
timeline); ``common`` and ``inlines`` hold what they share. Importing this package registers
them all (Django's admin autodiscovery imports ``billing.admin``).
"""

from masthead.billing.admin import (
    clocks,
    customers,
    einvoices,
    exchange_rates,
    invoices,
    payments,
    plans,
    records,
    subscriptions,
)
from masthead.billing.admin.common import money, parse_amount

__all__ = [
    "clocks",
    "customers",
    "einvoices",
    "exchange_rates",
    "invoices",
    "money",
    "parse_amount",
    "payments",
    "plans",
    "records",
    "subscriptions",
]
