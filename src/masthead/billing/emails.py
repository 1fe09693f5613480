"""The billing emails a reader gets: receipts, India's pre-debit notice, renewals, failures, ends.

Each function takes row ids (so a background worker can call it with plain arguments), loads the
rows itself and quietly does nothing when a row is gone or the reader has no email address. Every
message has a plain-text body and an HTML alternative, rendered from
``templates/billing/emails/<name>.txt`` and ``<name>.html`` (inline styles only: mail clients
ignore stylesheets). Sending errors propagate, so the worker can retry.

Amounts are shown exactly, with the minor unit (₹2,700.00), and dates are the publisher's
calendar days (settings.TIME_ZONE), like 24 Feb 2027. Emails carry no secrets and no card
numbers: the saved payment method appears only as the gateway's display label, and only if that
label holds no long run of digits.

Invoice PDFs are attached as ``ML-2627-000001.pdf``: the invoice number with its slashes
(which no mail client keeps in a file name) turned into hyphens.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from masthead.billing.clock import now_for
from masthead.billing.documents import (
    attachment_filename,
    local_day_label,
    render_invoice_pdf,
)
from masthead.billing.models import (
    Invoice,
    InvoiceStatus,
    PaymentStatus,
    PreDebitNotice,
    Subscription,
    SubscriptionStatus,
)
from masthead.core.money import Money, format_money, format_refund

logger = logging.getLogger(__name__)

__all__ = [
    "send_access_ending_soon",
    "send_cancellation_confirmed",
    "send_payment_failed",
    "send_pre_debit_notice",
    "send_receipt",
    "send_renewal_succeeded",
]

TEMPLATE_DIR = "billing/emails"
MY_SUBSCRIPTION_PATH = "/subscribe/my/"
PAY_NOW_PATH = "/subscribe/my/pay/"
_LONG_DIGITS = re.compile(r"\d[\d \-]{6,}\d")


@dataclass(frozen=True, slots=True)
class _Attachment:
    filename: str
    content: bytes
    mimetype: str


# --- Helpers -------------------------------------------------------------------------------


def _amount(minor: int, currency: str) -> str:
    """'₹2,700.00': exact, with paise, in the publisher's locale."""
    return format_money(
        Money(minor=int(minor), currency=currency), locale=settings.LOCALE, whole=False
    )


def _amount_back(minor: int, currency: str) -> str:
    """'-₹300.00': money going back to the reader (a refund, a credit note, the unused part
    credited), with its minus sign, from the one formatter."""
    return format_refund(Money(minor=int(minor), currency=currency), locale=settings.LOCALE)


def _url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _period_label(start: dt.datetime, end: dt.datetime) -> str:
    """'25 Nov 2026 – 24 Nov 2027': a period's first and last day (its end is exclusive)."""
    return f"{local_day_label(start)} – {local_day_label(end - dt.timedelta(days=1))}"


def _payment_method_label(label: str) -> str:
    """The gateway's display label ('Visa ending 4242'), never anything like a card number."""
    label = label.strip()
    return "" if _LONG_DIGITS.search(label) else label


def _greeting_name(name: str) -> str:
    return name.strip().split()[0] if name.strip() else ""


def _common_context() -> dict[str, Any]:
    return {
        "publisher_name": settings.PUBLISHER_NAME,
        "publisher_short_name": settings.PUBLISHER_SHORT_NAME,
        "publisher_legal_name": settings.PUBLISHER_LEGAL_NAME,
        "publisher_address": settings.PUBLISHER_ADDRESS,
        "publisher_gstin": settings.PUBLISHER_GSTIN,
        "site_url": settings.SITE_URL,
        "manage_url": _url(MY_SUBSCRIPTION_PATH),
    }


def _tidy_text(text: str) -> str:
    """Template tags leave blank lines and trailing spaces behind; plain text should not."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def _send(
    *,
    template: str,
    subject: str,
    to: str,
    context: dict[str, Any],
    attachments: tuple[_Attachment, ...] = (),
) -> None:
    full_context = {**_common_context(), **context, "subject": subject}
    text = _tidy_text(render_to_string(f"{TEMPLATE_DIR}/{template}.txt", full_context))
    html = render_to_string(f"{TEMPLATE_DIR}/{template}.html", full_context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[to]
    )
    message.attach_alternative(html, "text/html")
    for attachment in attachments:
        message.attach(attachment.filename, attachment.content, attachment.mimetype)
    message.send()


def _send_to_subscriber(
    subscription: Subscription, *, template: str, subject: str, context: dict[str, Any]
) -> None:
    """An email about the reader's subscription: to them, greeting them, naming their plan."""
    _send(
        template=template,
        subject=subject,
        to=subscription.customer.user.email,
        context={
            "name": _greeting_name(subscription.customer.name),
            "plan_name": subscription.plan.name,
            **context,
        },
    )


def _load_invoice(invoice_id: int, purpose: str) -> Invoice | None:
    invoice = (
        Invoice.objects.select_related("customer__user", "subscription__plan")
        .filter(pk=invoice_id)
        .first()
    )
    if invoice is None:
        logger.info("No %s: invoice %s no longer exists.", purpose, invoice_id)
        return None
    if invoice.status != InvoiceStatus.PAID or not invoice.number:
        # A receipt or a tax invoice exists only for an issued, paid invoice.
        logger.warning("No %s: invoice %s is not issued (%s).", purpose, invoice_id, invoice.status)
        return None
    if not invoice.customer.user.email:
        logger.warning("No %s: the reader of invoice %s has no email address.", purpose, invoice_id)
        return None
    return invoice


def _load_subscription(subscription_id: int, purpose: str) -> Subscription | None:
    subscription = (
        Subscription.objects.select_related("customer__user", "plan", "next_plan")
        .filter(pk=subscription_id)
        .first()
    )
    if subscription is None:
        logger.info("No %s: subscription %s no longer exists.", purpose, subscription_id)
        return None
    if not subscription.customer.user.email:
        logger.warning(
            "No %s: the reader of subscription %s has no email address.", purpose, subscription_id
        )
        return None
    return subscription


def _invoice_context(invoice: Invoice) -> dict[str, Any]:
    return {
        "name": _greeting_name(invoice.customer.name),
        "plan_name": invoice.subscription.plan.name,
        "period": _period_label(invoice.period_start, invoice.period_end),
        "amount": _amount(invoice.total_minor, invoice.currency),
        "currency": invoice.currency,
        "invoice_number": invoice.number,
        "invoice_date": local_day_label(invoice.issued_at or invoice.created_at),
        "description": invoice.description,
        "prices_include_tax": settings.PRICES_INCLUDE_TAX,
    }


def _invoice_attachment(invoice: Invoice) -> _Attachment:
    return _Attachment(
        filename=attachment_filename(invoice.number or ""),
        content=render_invoice_pdf(invoice),
        mimetype="application/pdf",
    )


# --- The emails ----------------------------------------------------------------------------


def send_receipt(*, invoice_id: int) -> None:
    """'Your receipt and tax invoice': plan, period, amount, number; the PDF attached."""
    invoice = _load_invoice(invoice_id, "receipt")
    if invoice is None:
        return
    context = _invoice_context(invoice)
    context["facts"] = [
        ("Plan", context["plan_name"]),
        ("Period", context["period"]),
        ("Amount paid", context["amount"]),
        ("Invoice number", context["invoice_number"]),
        ("Invoice date", context["invoice_date"]),
    ]
    _send(
        template="receipt",
        subject=f"Your {settings.PUBLISHER_SHORT_NAME} receipt ({invoice.number})",
        to=invoice.customer.user.email,
        context=context,
        attachments=(_invoice_attachment(invoice),),
    )


def send_pre_debit_notice(*, notice_id: int) -> None:
    """India's pre-debit notification: who will charge how much, when, for what; how to stop it."""
    notice = (
        PreDebitNotice.objects.select_related(
            "subscription__customer__user", "subscription__plan", "subscription__next_plan"
        )
        .filter(pk=notice_id)
        .first()
    )
    if notice is None:
        logger.info("No pre-debit notice: notice %s no longer exists.", notice_id)
        return
    subscription = notice.subscription
    customer = subscription.customer
    if not customer.user.email:
        logger.warning("No pre-debit notice %s: the reader has no email address.", notice_id)
        return
    # A downgrade waiting for this renewal is what the charge pays for.
    plan = subscription.next_plan or subscription.plan
    amount = _amount(notice.amount_minor, notice.currency)
    taxed = notice.currency == "INR" and settings.GST_RATE_BASIS_POINTS > 0
    charge_on = local_day_label(notice.charge_on)
    reference = f"{plan.name} subscription no. {subscription.pk}"
    purpose = f"Renewal of your {plan.name} digital subscription to {settings.PUBLISHER_NAME}"
    facts = [
        ("Merchant", f"{settings.PUBLISHER_LEGAL_NAME} ({settings.PUBLISHER_NAME})"),
        # The exact amount debited: GST is in it, whether prices include or exclude it.
        ("Amount", f"{amount} ({notice.currency}{', GST included' if taxed else ''})"),
        ("Date of debit", charge_on),
        ("Reference", reference),
        ("Purpose", purpose),
    ]
    method = _payment_method_label(customer.payment_method_label)
    if method:
        facts.append(("Payment method", method))
    # Above the mandate's limit nothing is debited automatically (renewals asks for approval
    # on the day): the notice must not say it will be.
    needs_approval = notice.amount_minor > customer.mandate_limit_minor
    subject = (
        f"Upcoming charge of {amount} on {charge_on} for your "
        f"{settings.PUBLISHER_SHORT_NAME} subscription"
    )
    if needs_approval:
        subject = (
            f"Your {settings.PUBLISHER_SHORT_NAME} renewal of {amount} on {charge_on} "
            "will need your approval"
        )
    _send(
        template="pre_debit_notice",
        subject=subject,
        to=customer.user.email,
        context={
            "name": _greeting_name(customer.name),
            "plan_name": plan.name,
            "amount": amount,
            "currency": notice.currency,
            "charge_on": charge_on,
            "reference": reference,
            "purpose": purpose,
            "payment_method": method,
            "facts": facts,
            "cancel_url": _url(MY_SUBSCRIPTION_PATH),
            "needs_approval": needs_approval,
            "mandate_limit": _amount(customer.mandate_limit_minor, "INR"),
        },
    )


def send_renewal_succeeded(*, invoice_id: int) -> None:
    """The subscription renewed: new period, amount, next renewal; the tax invoice attached."""
    invoice = _load_invoice(invoice_id, "renewal email")
    if invoice is None:
        return
    context = _invoice_context(invoice)
    subscription = invoice.subscription
    renews_on = (
        local_day_label(subscription.current_period_end)
        if subscription.current_period_end
        else local_day_label(invoice.period_end)
    )
    context["renews_on"] = renews_on
    context["cancel_at_period_end"] = subscription.cancel_at_period_end
    context["facts"] = [
        ("Plan", context["plan_name"]),
        ("New period", context["period"]),
        ("Amount paid", context["amount"]),
        ("Invoice number", context["invoice_number"]),
        ("Access until" if subscription.cancel_at_period_end else "Next renewal", renews_on),
    ]
    _send(
        template="renewal_succeeded",
        subject=(
            f"Your {settings.PUBLISHER_SHORT_NAME} subscription has renewed ({invoice.number})"
        ),
        to=invoice.customer.user.email,
        context=context,
        attachments=(_invoice_attachment(invoice),),
    )


def send_payment_failed(*, subscription_id: int, failure_message: str) -> None:
    """A charge failed: what the bank said, how long access lasts, and a link to pay now."""
    subscription = _load_subscription(subscription_id, "payment-failed email")
    if subscription is None:
        return
    open_invoice = (
        subscription.invoices.filter(status=InvoiceStatus.OPEN).order_by("-created_at").first()
    )
    if open_invoice is not None:
        amount = _amount(open_invoice.total_minor, open_invoice.currency)
    else:
        amount = _amount(subscription.amount_minor, subscription.currency)
    grace_until = local_day_label(subscription.grace_until) if subscription.grace_until else ""
    # The last retry can come after the grace period: never ask to pay "before" a past date.
    now = now_for(subscription.customer)
    grace_passed = bool(subscription.grace_until and subscription.grace_until <= now)
    bank_said = " ".join(failure_message.split())[:300]
    facts = [("Plan", subscription.plan.name), ("Amount due", amount)]
    # A retry is scheduled (settlement._unpaid) while attempts are left: this email names its
    # date and amount, the pre-debit notice for it.
    last = open_invoice.payments.order_by("-pk").first() if open_invoice is not None else None
    retrying = (
        subscription.status == SubscriptionStatus.PAST_DUE
        and subscription.next_action_at is not None
        and 0 < subscription.retry_count <= len(settings.BILLING_RETRY_DAYS)
        and last is not None
        and last.status == PaymentStatus.FAILED
    )
    retry_on = ""
    if retrying and subscription.next_action_at is not None:
        retry_on = local_day_label(subscription.next_action_at)
    if retry_on:
        facts.append(("Next attempt", retry_on))
    _send_to_subscriber(
        subscription,
        template="payment_failed",
        subject=f"Your {settings.PUBLISHER_SHORT_NAME} payment didn't go through",
        context={
            "amount": amount,
            "failure_message": bank_said,
            "grace_until": grace_until,
            "retry_on": retry_on,
            "grace_passed": grace_passed,
            "ends_on": local_day_label(subscription.next_action_at)
            if grace_passed and not retry_on and subscription.next_action_at
            else "",
            "retry_method": _payment_method_label(subscription.customer.payment_method_label)
            or "your saved payment method",
            "facts": facts,
            "pay_url": _url(PAY_NOW_PATH),
        },
    )


def send_cancellation_confirmed(*, subscription_id: int) -> None:
    """Cancelled: access until the period's end, no further charge, and how to undo it."""
    subscription = _load_subscription(subscription_id, "cancellation email")
    if subscription is None:
        return
    access_until = (
        local_day_label(subscription.current_period_end) if subscription.current_period_end else ""
    )
    subject = f"Your {settings.PUBLISHER_SHORT_NAME} subscription is cancelled"
    if access_until:
        subject += f": access until {access_until}"
    _send_to_subscriber(
        subscription,
        template="cancellation_confirmed",
        subject=subject,
        context={
            "access_until": access_until,
            "resume_url": _url(MY_SUBSCRIPTION_PATH),
        },
    )


def send_price_change_notice(*, subscription_id: int) -> None:
    """Staff moved the reader to a new price: the new amount and the renewal it starts at.
    Plain on purpose; one template."""
    subscription = _load_subscription(subscription_id, "price-change email")
    if subscription is None or subscription.next_amount_minor is None:
        return
    if subscription.next_amount_from is None:
        return
    _send_to_subscriber(
        subscription,
        template="price_change_notice",
        subject=f"Your {settings.PUBLISHER_SHORT_NAME} subscription price is changing",
        context={
            "old_amount": _amount(int(subscription.amount_minor), subscription.currency),
            "new_amount": _amount(int(subscription.next_amount_minor), subscription.currency),
            "from_day": local_day_label(subscription.next_amount_from),
            "manage_url": _url(MY_SUBSCRIPTION_PATH),
        },
    )


def send_mandate_stopped(*, subscription_id: int) -> None:
    """The gateway stopped the mandate (cancelled at the bank or in the UPI app, paused,
    completed): what it means for the reader. Plain on purpose; one template."""
    subscription = _load_subscription(subscription_id, "mandate-stopped email")
    if subscription is None:
        return
    ended = subscription.status == SubscriptionStatus.ENDED
    end = subscription.ended_at if ended else subscription.current_period_end
    access_until = local_day_label(end) if end else ""
    _send_to_subscriber(
        subscription,
        template="mandate_stopped",
        subject=f"Your {settings.PUBLISHER_SHORT_NAME} subscription will not renew",
        context={
            "access_until": access_until,
            "ended": ended,
            "manage_url": _url(MY_SUBSCRIPTION_PATH),
            "resubscribe_url": _url(reverse("billing:subscribe")),
        },
    )


def send_access_ending_soon(*, subscription_id: int) -> None:
    """Access ends on a date (a cancelled or unpaid subscription): a link to subscribe again."""
    subscription = _load_subscription(subscription_id, "access-ending email")
    if subscription is None:
        return
    # An unpaid subscription lasts until its grace period ends; a cancelled one, its period.
    unpaid = subscription.status == SubscriptionStatus.PAST_DUE and bool(subscription.grace_until)
    end = subscription.grace_until if unpaid else subscription.current_period_end
    if end is None:
        logger.info("No access-ending email: subscription %s has no end date.", subscription_id)
        return
    ends_on = local_day_label(end)
    _send_to_subscriber(
        subscription,
        template="access_ending_soon",
        subject=f"Your {settings.PUBLISHER_SHORT_NAME} access ends on {ends_on}",
        context={
            "ends_on": ends_on,
            "unpaid": unpaid,
            "pay_url": _url(PAY_NOW_PATH),
            "resubscribe_url": _url(reverse("billing:subscribe")),
            "manage_url": _url(MY_SUBSCRIPTION_PATH),
        },
    )
