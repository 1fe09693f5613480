"""The billing emails that say what just happened, and nothing else (issue 13).

Each says only what happened: a refund and its credit note (attached); a subscription that has
ended (why, and how to come back); an end by staff; complimentary time; a plan change (with
its invoice, and the unused part credited); a renewal above the e-mandate limit, which asks
the reader to approve the payment (nothing was tried); a payment that failed, naming the
gateway's own reason. They share ``emails``' helpers, base templates and rules (exact amounts,
the publisher's calendar days, no card numbers) and one plain template pair, ``notice``.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse

from masthead.billing.documents import (
    attachment_filename,
    local_day_label,
    render_credit_note_pdf,
)
from masthead.billing.emails import (
    MY_SUBSCRIPTION_PATH,
    PAY_NOW_PATH,
    _amount,
    _amount_back,
    _Attachment,
    _greeting_name,
    _invoice_attachment,
    _load_invoice,
    _load_subscription,
    _payment_method_label,
    _period_label,
    _send,
    _url,
)
from masthead.billing.models import (
    CreditNote,
    Customer,
    EndReason,
    InvoiceStatus,
)

logger = logging.getLogger(__name__)

GATEWAY_NAMES = {"sandbox": "The test gateway", "razorpay": "Razorpay", "stripe": "Stripe"}


def _notice(
    *,
    customer: Customer,
    subject: str,
    heading: str,
    paragraphs: list[str],
    facts: list[tuple[str, str]] | None = None,
    after: list[str] | None = None,
    button: tuple[str, str] | None = None,
    attachments: tuple[_Attachment, ...] = (),
) -> None:
    label, url = button or ("", "")
    context: dict[str, Any] = {
        "name": _greeting_name(customer.name),
        "heading": heading,
        "preheader": paragraphs[0] if paragraphs else heading,
        "paragraphs": paragraphs,
        "facts": facts or [],
        "after": after or [],
        "button_label": label,
        "button_url": url,
    }
    _send(
        template="notice",
        subject=subject,
        to=customer.user.email,
        context=context,
        attachments=attachments,
    )


def _short() -> str:
    return str(settings.PUBLISHER_SHORT_NAME)


def send_refund_issued(*, credit_note_id: int) -> None:
    """Money went back: how much, to what, against which invoice; the credit note attached."""
    note = (
        CreditNote.objects.select_related(
            "invoice__subscription__customer__user", "invoice__subscription__plan", "payment"
        )
        .filter(pk=credit_note_id)
        .first()
    )
    if note is None or not note.invoice.subscription.customer.user.email:
        logger.info("No refund email for credit note %s.", credit_note_id)
        return
    subscription = note.invoice.subscription
    amount = _amount(note.amount_minor, note.currency)
    method = _payment_method_label(subscription.customer.payment_method_label)
    gateway = GATEWAY_NAMES.get(note.payment.gateway, note.payment.gateway)
    facts = [
        # The figure carries its minus sign, as on My subscription and the credit note; the
        # sentences say "refunded", so they need none.
        ("Refunded", _amount_back(note.amount_minor, note.currency)),
        ("Credit note", note.number),
        ("Credit note date", local_day_label(note.issued_at)),
        ("Against invoice", note.invoice.number or ""),
    ]
    if note.reason:
        facts.append(("Reason", note.reason))
    _notice(
        customer=subscription.customer,
        subject=f"We've refunded {amount} ({note.number})",
        heading=f"We've refunded {amount}",
        paragraphs=[
            f"We've refunded {amount} for your {subscription.plan.name} subscription"
            + (f" to {method}" if method else "")
            + f". {gateway} has been asked to return it; banks usually take 5–7 working days "
            "to show it.",
            f"The credit note {note.number} is attached: it reduces tax invoice "
            f"{note.invoice.number}.",
        ],
        facts=facts,
        attachments=(
            _Attachment(
                filename=attachment_filename(note.number),
                content=render_credit_note_pdf(note),
                mimetype="application/pdf",
            ),
        ),
    )


def send_subscription_ended(*, subscription_id: int) -> None:
    """The subscription has ended (sent when it ends, never before): why, and how to come back.
    This is the last message of a dunning run: it names no deadline, because none is left."""
    subscription = _load_subscription(subscription_id, "subscription-ended email")
    if subscription is None or subscription.ended_at is None:
        return
    ended_on = local_day_label(subscription.ended_at)
    plan = subscription.plan.name
    why = {
        EndReason.UNPAID: (
            f"We couldn't collect the payment for your {plan} subscription, so it has ended "
            f"and your access to {settings.PUBLISHER_NAME} stopped on {ended_on}. Nothing more "
            "will be charged."
        ),
        EndReason.CANCELLED: (
            f"Your {plan} subscription has ended on {ended_on}, as you asked. Nothing more will "
            "be charged."
        ),
        EndReason.STAFF: (
            f"Our team has ended your {plan} subscription on {ended_on}. Nothing more will be "
            "charged."
        ),
    }.get(
        EndReason(subscription.end_reason) if subscription.end_reason else EndReason.CANCELLED,
        f"Your {plan} subscription has ended on {ended_on}.",
    )
    _notice(
        customer=subscription.customer,
        subject=f"Your {_short()} subscription has ended",
        heading="Your subscription has ended",
        paragraphs=[why],
        after=[
            "You can come back at any time: choose a plan and your access starts again at "
            "once. Your account, saved stories and newsletters are kept."
        ],
        button=("Subscribe again", _url(reverse("billing:subscribe"))),
    )


def send_staff_ended(*, subscription_id: int, refunded_minor: int, note: str = "") -> None:
    """Staff ended a subscription: that it ended, why (their note), and any refund."""
    subscription = _load_subscription(subscription_id, "staff-end email")
    if subscription is None or subscription.ended_at is None:
        return
    ended_on = local_day_label(subscription.ended_at)
    paragraphs = [
        f"Our team has ended your {subscription.plan.name} subscription on {ended_on}; your "
        "access has stopped and nothing more will be charged."
    ]
    if note:
        paragraphs.append(f"Their note: {note}")
    if refunded_minor:
        paragraphs.append(
            f"The unused part, {_amount(refunded_minor, subscription.currency)}, is being "
            "refunded; its credit note follows in a separate email."
        )
    _notice(
        customer=subscription.customer,
        subject=f"Your {_short()} subscription has been ended",
        heading="Your subscription has been ended",
        paragraphs=paragraphs,
        after=["If you think this is a mistake, reply to this email."],
        button=("Subscribe again", _url(reverse("billing:subscribe"))),
    )


def send_complimentary_time(*, subscription_id: int, label: str, note: str = "") -> None:
    """Staff gave free time: how much, the new end of the period, and that it costs nothing."""
    subscription = _load_subscription(subscription_id, "complimentary-time email")
    if subscription is None or subscription.current_period_end is None:
        return
    until = local_day_label(subscription.current_period_end)
    paragraphs = [
        f"We've added {label} of complimentary access to your {subscription.plan.name} "
        f"subscription, free of charge. Your current period now runs until {until}."
    ]
    if note:
        paragraphs.append(note)
    if subscription.cancel_at_period_end:
        paragraphs.append(f"Your access now ends on {until}; nothing will be charged.")
    else:
        paragraphs.append(f"Your next renewal moves to {until}; nothing is charged before then.")
    _notice(
        customer=subscription.customer,
        subject=f"{label} free added to your {_short()} subscription",
        heading=f"{label} free, on us",
        paragraphs=paragraphs,
        button=("My subscription", _url(MY_SUBSCRIPTION_PATH)),
    )


def send_complimentary_access(
    *, customer_id: int, label: str, until: dt.datetime, note: str = ""
) -> None:
    """Staff gave free time to a reader with no subscription on our clock: what was given
    (every benefit, for ``label``), until when (the publisher's calendar day), and that nothing
    is charged and no subscription is needed. The subscriber's twin is
    ``send_complimentary_time``."""
    customer = Customer.objects.select_related("user").filter(pk=customer_id).first()
    if customer is None or not customer.user.email:
        logger.info("No complimentary-access email for customer %s.", customer_id)
        return
    paragraphs = [
        f"We've given you {label} of complimentary access to {settings.PUBLISHER_NAME}, free "
        f"of charge: every benefit, until {local_day_label(until)}."
    ]
    if note:
        paragraphs.append(note)
    paragraphs.append(
        "You don't need a subscription for it, and nothing will be charged. When it ends, "
        "your access stops unless you choose a plan."
    )
    _notice(
        customer=customer,
        subject=f"{label} of {_short()}, free",
        heading=f"{label} free, on us",
        paragraphs=paragraphs,
        button=("My subscription", _url(MY_SUBSCRIPTION_PATH)),
    )


def send_plan_changed(*, invoice_id: int) -> None:
    """An upgrade took effect: the new plan and period, what was charged, the unused part of
    the old plan credited in it, and the tax invoice attached. Never "has renewed"."""
    invoice = _load_invoice(invoice_id, "plan-change email")
    if invoice is None:
        return
    subscription = invoice.subscription
    new_plan = invoice.description.split(" — ", 1)[0]
    amount = _amount(invoice.total_minor, invoice.currency)
    credits = [line for line in invoice.lines or [] if int(line.get("amount_minor", 0)) < 0]
    from_plan = str(credits[0].get("plan", "")) if credits else ""
    from_plan = from_plan or "your previous plan"
    facts = [
        ("From", from_plan),
        ("To", new_plan),
        ("New period", _period_label(invoice.period_start, invoice.period_end)),
    ]
    facts.extend(
        ("Unused part credited", _amount_back(int(line["amount_minor"]), invoice.currency))
        for line in credits
    )
    facts.extend([("Charged", amount), ("Invoice number", invoice.number or "")])
    charged = f"We've charged {amount}" + (
        f", with the unused part of {from_plan} taken off." if credits else "."
    )
    _notice(
        customer=subscription.customer,
        subject=f"You've moved to {new_plan} ({invoice.number})",
        heading=f"You're now on {new_plan}",
        paragraphs=[
            f"Your subscription has changed from {from_plan} to {new_plan}, starting "
            f"{local_day_label(invoice.period_start)}. {charged}"
        ],
        facts=facts,
        after=["Your tax invoice is attached."],
        attachments=(_invoice_attachment(invoice),),
    )


def send_downgrade_scheduled(*, subscription_id: int) -> None:
    """A downgrade waits for the next renewal: what changes, when, and what it will cost."""
    subscription = _load_subscription(subscription_id, "downgrade email")
    if (
        subscription is None
        or subscription.next_plan is None
        or subscription.current_period_end is None
    ):
        return
    on = local_day_label(subscription.current_period_end)
    _notice(
        customer=subscription.customer,
        subject=f"Your {_short()} plan changes to {subscription.next_plan.name} on {on}",
        heading=f"Your plan changes on {on}",
        paragraphs=[
            f"You stay on {subscription.plan.name} until {on}. From then your subscription "
            f"continues as {subscription.next_plan.name}; we'll send the usual notice with the "
            "exact amount before charging it.",
        ],
        button=("My subscription", _url(MY_SUBSCRIPTION_PATH)),
    )


def send_payment_approval_needed(*, subscription_id: int) -> None:
    """A renewal above the e-mandate limit (RBI: ₹15,000) cannot be charged automatically:
    ask the reader to approve it, with the link and the deadline. Nothing was tried."""
    subscription = _load_subscription(subscription_id, "approval email")
    if subscription is None or subscription.next_action_at is None:
        return
    waiting = subscription.invoices.filter(status=InvoiceStatus.OPEN).order_by("-pk").first()
    if waiting is None:
        return
    amount = _amount(waiting.total_minor, waiting.currency)
    approve_by = subscription.next_action_at
    # The limit of this reader's mandate (what the renewal was checked against), as the
    # pre-debit notice before it named it; not today's default for new mandates.
    limit = _amount(int(subscription.customer.mandate_limit_minor), "INR")
    by = local_day_label(approve_by)
    _notice(
        customer=subscription.customer,
        subject=f"Please approve your {_short()} renewal of {amount} by {by}",
        heading="Please approve your renewal",
        paragraphs=[
            f"Your {subscription.plan.name} subscription renews for {amount}. That is above the "
            f"{limit} your bank lets us charge automatically, so we have not charged it: it "
            "needs your approval.",
            f"Approve the payment by {by} to keep reading without a break. If you don't, your "
            f"access ends on {by} and nothing is charged.",
        ],
        facts=[("Amount", amount), ("Approve by", by), ("Plan", subscription.plan.name)],
        button=("Approve the payment", _url(PAY_NOW_PATH)),
    )


def failure_reason(*, gateway: str, code: str, message: str) -> str:
    """The gateway's own reason for a decline, named as the gateway's: 'Razorpay said: …'."""
    name = GATEWAY_NAMES.get(gateway, gateway or "The payment gateway")
    text = " ".join(message.split())[:300]
    if text and code:
        return f"{name} said: “{text}” (code {code})"
    if text or code:
        return f"{name} said: “{text or code}”"
    return f"{name} gave no reason."


def shown_money(minor: int, currency: str) -> str:
    """'₹900.00': how a staff timeline line states an amount (never '90000 INR')."""
    return _amount(minor, currency)


def shown_moment(moment: dt.datetime) -> str:
    """'30 Apr 2026, 12:00 IST': a moment in the publisher's time zone, for staff lines."""
    local = moment.astimezone(ZoneInfo(settings.TIME_ZONE))
    return f"{local_day_label(moment)}, {local:%H:%M} {local.tzname()}"
