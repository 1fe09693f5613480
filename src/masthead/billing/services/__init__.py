"""Changing subscriptions: checkout, cancel and undo, plan changes, staff ends and refunds.

Every path that moves money follows the same crash-safe shape:

1. in one transaction, write the invoice and a *pending* payment whose idempotency key is
   derived from the business operation (checkout key; subscription + period + attempt);
2. call the gateway with that key, outside any transaction;
3. in a second transaction, record the outcome and what follows from it.

If the process dies between 1 and 3, ``settle_pending_payment`` asks the gateway what happened
under that key before anything is tried again, so a charge is never made twice.
Grants are written only through ``access.services``.

One module per area: ``checkout`` (on our own billing clock), ``hosted`` (the gateway's
checkout and mandate), ``settlement`` (charging under a stored key and recording the outcome),
``plan_change``, ``endings`` (cancel, undo, end), ``complimentary``, ``refunds``, ``prices``
(what a checkout charges), ``customers``, and ``common`` (refusals, timeline, access). Callers
use the names below, ``services.checkout(...)``; inside the package a module calls
``settlement`` through its module, so one stand-in for a crash reaches every caller.
"""

# Raised through when a gateway cannot be reached (nothing was recorded; the same request may
# be sent again): callers catch it here, and never import the gateways themselves.
from masthead.billing.gateways.base import GatewayError
from masthead.billing.services.checkout import CheckoutOutcome, checkout, sandbox_card
from masthead.billing.services.common import (
    AlreadySubscribed,
    BillingError,
    PaymentDeclined,
    grant_reference,
    record_event,
)
from masthead.billing.services.complimentary import Complimentary, give_complimentary
from masthead.billing.services.customers import (
    attach_test_clock,
    ensure_customer,
    update_tax_details,
)
from masthead.billing.services.endings import (
    cancel,
    end_at_period_end,
    end_unpaid,
    staff_end_now,
    undo_cancel,
)
from masthead.billing.services.hosted import (
    MANDATE_YEARS,
    HostedStart,
    complete_hosted_checkout,
    hosted_gateway,
    start_hosted_checkout,
)
from masthead.billing.services.plan_change import change_plan, proration_credit
from masthead.billing.services.prices import CheckoutTerms, checkout_terms
from masthead.billing.services.refunds import refund, unused_amount
from masthead.billing.services.settlement import (
    ENDING_SOON_NOTICE,
    charge_payment,
    charge_payments,
    renewal_action_at,
    settle_payment,
    settle_renewal_payments,
)

__all__ = [
    "ENDING_SOON_NOTICE",
    "MANDATE_YEARS",
    "AlreadySubscribed",
    "BillingError",
    "CheckoutOutcome",
    "CheckoutTerms",
    "Complimentary",
    "GatewayError",
    "HostedStart",
    "PaymentDeclined",
    "attach_test_clock",
    "cancel",
    "change_plan",
    "charge_payment",
    "charge_payments",
    "checkout",
    "checkout_terms",
    "complete_hosted_checkout",
    "end_at_period_end",
    "end_unpaid",
    "ensure_customer",
    "give_complimentary",
    "grant_reference",
    "hosted_gateway",
    "proration_credit",
    "record_event",
    "refund",
    "renewal_action_at",
    "sandbox_card",
    "settle_payment",
    "settle_renewal_payments",
    "staff_end_now",
    "start_hosted_checkout",
    "undo_cancel",
    "unused_amount",
    "update_tax_details",
]
