"""Tax invoices and credit notes: amounts split for GST, numbered without gaps when issued.

An invoice gets its number in the same transaction that records its payment, from a counter
row locked for that transaction: a rollback returns the number, so numbers have no gaps even
with many renewals in parallel. Once issued, an invoice is never changed (``InvoiceFrozen``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce

from masthead.billing.gst_states import state_name
from masthead.billing.models import (
    CreditNote,
    Customer,
    DocumentSequence,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Payment,
    Plan,
    Subscription,
)
from masthead.billing.numbering import CREDIT_SERIES, INVOICE_SERIES, document_number
from masthead.billing.supply import Supply, supply_for
from masthead.billing.tax import TaxSplit, financial_year, split_credit, split_tax
from masthead.core.bulk import insert_rows, update_rows


class InvoiceFrozen(Exception):
    """An issued invoice cannot change; issue a credit note instead."""


def supply_to(*, customer: Customer, currency: str, on: dt.date | None = None) -> Supply:
    """The place of supply and tax treatment for this customer (see ``billing.supply``)."""
    day = on or dt.datetime.now(ZoneInfo(settings.TIME_ZONE)).date()
    country = customer.country_code
    if customer.pk is None and not customer.state_code:
        # A price quoted before the reader is known: rupee prices are offered to readers in
        # India, other currencies to readers abroad ("ZZ": somewhere outside India). The
        # invoice itself always follows the address the reader then gives.
        country = "IN" if currency == "INR" else "ZZ"
    return supply_for(
        state_code=customer.state_code,
        country_code=country,
        gstin=customer.gstin,
        currency=currency,
        on=day,
    )


def _tax_for(
    *, customer: Customer, amount_minor: int, currency: str, on: dt.date | None = None
) -> TaxSplit:
    supply = supply_to(customer=customer, currency=currency, on=on)
    return split_tax(
        amount_minor=amount_minor,
        rate_bp=supply.rate_bp,
        intra_state=supply.intra_state,
        inclusive=settings.PRICES_INCLUDE_TAX,
    )


def charge_total(*, customer: Customer, amount_minor: int, currency: str) -> int:
    """What the reader pays for a price: the price itself when prices include tax, the price
    plus GST when they exclude it. An invoice opened for that price totals exactly this, so a
    pre-debit notice stating it states the amount the renewal charges."""
    return _tax_for(customer=customer, amount_minor=amount_minor, currency=currency).total


def price_of(invoice: Invoice) -> int:
    """The price an invoice was opened for (``charge_total``'s input): its total when prices
    include tax, its taxable value when GST was added on top (zero-rated: both are equal)."""
    return int(invoice.total_minor if settings.PRICES_INCLUDE_TAX else invoice.taxable_minor)


def seller_snapshot() -> dict[str, str]:
    return {
        "legal_name": settings.PUBLISHER_LEGAL_NAME,
        "address": settings.PUBLISHER_ADDRESS,
        "gstin": settings.PUBLISHER_GSTIN,
        "state_code": settings.PUBLISHER_STATE_CODE,
        "state_name": state_name(settings.PUBLISHER_STATE_CODE),
        # The LUT exports are zero-rated under, printed in their endorsement (Rule 46).
        "lut_reference": settings.GST_LUT_REFERENCE,
    }


def buyer_snapshot(customer: Customer) -> dict[str, str]:
    """The recipient as the invoice prints it (CGST Rule 46(d)-(f)): name, address on record,
    State name and code, country, GSTIN."""
    email = str(getattr(customer.user, "email", ""))
    return {
        "name": customer.name or email,
        "email": email,
        "address": customer.address,
        "city": customer.city,
        "postal_code": customer.postal_code,
        "country_code": (customer.country_code or "IN").upper(),
        "state_code": customer.state_code,
        "state_name": state_name(customer.state_code) if customer.state_code else "",
        "gstin": customer.gstin,
    }


def _length(months: int) -> str:
    count, unit = (months // 12, "year") if months % 12 == 0 else (months, "month")
    return f"{count} {unit}" + ("s" if count > 1 else "")


def _days(start: dt.datetime, end: dt.datetime) -> str:
    tz = ZoneInfo(settings.TIME_ZONE)
    last_day = end.astimezone(tz) - dt.timedelta(days=1)
    return f"{start.astimezone(tz):%d %b %Y} – {last_day:%d %b %Y}"


def describe_service(*, plan: Plan, start: dt.datetime, end: dt.datetime) -> str:
    """Rule 46(h): what was supplied. The plan the period is for, and the period's dates."""
    return f"{plan.name} — {_length(plan.period_months)} digital subscription, {_days(start, end)}"


def _plan_invoiced(subscription: Subscription, kind: InvoiceKind, plan: Plan | None) -> Plan:
    """The plan a new invoice is for: the one named by the caller (an upgrade), else for a
    renewal the plan a downgrade waits for (the renewal starts it), else the current plan."""
    if plan is not None:
        return plan
    if kind == InvoiceKind.RECURRING and subscription.next_plan_id is not None:
        return subscription.next_plan  # type: ignore[return-value]
    return subscription.plan


@dataclass(frozen=True, slots=True)
class UnusedCredit:
    """The unused part of an earlier invoice, netted into an upgrade's price (ADR 0017)."""

    amount_minor: int  # in the price's own terms (with GST when prices include it)
    invoice: Invoice
    start: dt.datetime
    end: dt.datetime


def _credit_line(credit: UnusedCredit) -> dict[str, Any]:
    earlier = credit.invoice
    plan_name = earlier.description.split(" — ", 1)[0]
    number = earlier.number or f"#{earlier.pk}"
    return {
        "description": (
            f"Less: unused part of {plan_name}, {_days(credit.start, credit.end)} "
            f"(invoice {number})"
        ),
        "amount_minor": -credit.amount_minor,
        "plan": plan_name,
    }


def _new_invoice(
    *,
    subscription: Subscription,
    kind: InvoiceKind,
    period_start: dt.datetime,
    period_end: dt.datetime,
    amount_minor: int,
    seller: dict[str, str],
    plan: Plan | None = None,
    credit: UnusedCredit | None = None,
) -> Invoice:
    """An unsaved, unnumbered invoice awaiting payment."""
    customer = subscription.customer
    on = period_start.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
    supply = supply_to(customer=customer, currency=subscription.currency, on=on)
    split = split_tax(
        amount_minor=amount_minor,
        rate_bp=supply.rate_bp,
        intra_state=supply.intra_state,
        inclusive=settings.PRICES_INCLUDE_TAX,
    )
    description = describe_service(
        plan=_plan_invoiced(subscription, kind, plan), start=period_start, end=period_end
    )
    lines: list[dict[str, Any]] = []
    if credit is not None and credit.amount_minor > 0:
        lines = [
            {"description": description, "amount_minor": amount_minor + credit.amount_minor},
            _credit_line(credit),
        ]
    return Invoice(
        subscription=subscription,
        kind=kind,
        period_start=period_start,
        customer=customer,
        status=InvoiceStatus.OPEN,
        period_end=period_end,
        currency=subscription.currency,
        total_minor=split.total,
        taxable_minor=split.taxable,
        cgst_minor=split.cgst,
        sgst_minor=split.sgst,
        igst_minor=split.igst,
        round_off_minor=split.round_off,
        tax_rate_bp=split.rate_bp,
        place_of_supply=supply.place_of_supply,
        supply_type=supply.supply_type,
        lines=lines,
        description=description,
        seller=seller,
        buyer=buyer_snapshot(customer),
    )


def open_invoice(
    *,
    subscription: Subscription,
    kind: InvoiceKind,
    period_start: dt.datetime,
    period_end: dt.datetime,
    amount_minor: int,
    plan: Plan | None = None,
    credit: UnusedCredit | None = None,
) -> Invoice:
    """An unnumbered invoice awaiting payment (get-or-create for renewals).

    ``plan`` is the plan the invoice is for when it is not the subscription's current one (an
    upgrade opens its invoice before switching); ``credit`` is the unused part of an earlier
    invoice netted into ``amount_minor``, printed as its own "Less:" line."""
    invoice = _new_invoice(
        subscription=subscription,
        kind=kind,
        period_start=period_start,
        period_end=period_end,
        amount_minor=amount_minor,
        seller=seller_snapshot(),
        plan=plan,
        credit=credit,
    )
    if kind == InvoiceKind.PRORATION:
        invoice.save()
        return invoice
    existing = Invoice.objects.filter(
        subscription=subscription, kind=kind, period_start=period_start
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            invoice.save()
    except IntegrityError:
        # Another worker opened it a moment ago: that one is the invoice.
        return Invoice.objects.get(subscription=subscription, kind=kind, period_start=period_start)
    return invoice


@dataclass(frozen=True, slots=True)
class RenewalToInvoice:
    subscription: Subscription
    period_start: dt.datetime
    period_end: dt.datetime
    amount_minor: int


def open_renewal_invoices(*, renewals: Sequence[RenewalToInvoice]) -> dict[int, Invoice]:
    """The recurring invoices of many renewals, by subscription id: found, or created in one
    INSERT. Raises IntegrityError if another worker created one meanwhile (the caller holds
    the subscriptions' row locks, so that means someone skipped them; it falls back)."""
    found: dict[int, Invoice] = {}
    if not renewals:
        return found
    wanted = {(r.subscription.pk, r.period_start): r for r in renewals}
    for invoice in Invoice.objects.filter(
        subscription_id__in={r.subscription.pk for r in renewals},
        kind=InvoiceKind.RECURRING,
        period_start__in={r.period_start for r in renewals},
    ):
        if (invoice.subscription_id, invoice.period_start) in wanted:
            found[invoice.subscription_id] = invoice
    seller = seller_snapshot()
    missing = [
        _new_invoice(
            subscription=r.subscription,
            kind=InvoiceKind.RECURRING,
            period_start=r.period_start,
            period_end=r.period_end,
            amount_minor=r.amount_minor,
            seller=seller,
        )
        for r in renewals
        if r.subscription.pk not in found
    ]
    for invoice in insert_rows(missing):
        found[invoice.subscription_id] = invoice
    return found


def _take_numbers(*, series: str, fy: str, count: int) -> int:
    """Take ``count`` consecutive numbers of a series; returns the last one taken.

    The counter row stays locked until the caller's transaction ends, so a rollback returns
    the numbers and nobody else numbers in between: no gaps, no duplicates.
    """
    table = DocumentSequence._meta.db_table
    sql = (
        f'UPDATE "{table}" SET "last_number" = "last_number" + %s '  # noqa: S608 (our table)
        'WHERE "series" = %s AND "financial_year" = %s RETURNING "last_number"'
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [count, series, fy])
        row = cursor.fetchone()
        if row is None:
            # The year's first number: make the counter row, then take from it.
            DocumentSequence.objects.bulk_create(
                [DocumentSequence(series=series, financial_year=fy, last_number=0)],
                ignore_conflicts=True,
            )
            cursor.execute(sql, [count, series, fy])
            row = cursor.fetchone()
    return int(row[0])


def _next_number(*, series: str, fy: str) -> int:
    return _take_numbers(series=series, fy=fy, count=1)


def _fy(moment: dt.datetime) -> str:
    local = moment.astimezone(ZoneInfo(settings.TIME_ZONE))
    return financial_year(local.year, local.month)


def issue_invoice(*, invoice: Invoice, issued_at: dt.datetime) -> Invoice:
    """Mark paid and number it. Must run inside the transaction that records the payment."""
    issue_invoices(issues=[(invoice, issued_at)])
    return invoice


def issue_invoices(*, issues: Sequence[tuple[Invoice, dt.datetime]]) -> None:
    """Mark many invoices paid and number them, in the given order: one counter update per
    financial year, one UPDATE of the invoices. Must run inside the transaction that records
    their payments (so a rollback returns the numbers)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("issue_invoice must run inside the payment's transaction.")
    by_year: dict[str, list[tuple[Invoice, dt.datetime]]] = {}
    for invoice, issued_at in issues:
        if invoice.status == InvoiceStatus.PAID:
            raise InvoiceFrozen(f"Invoice {invoice.number} is already issued.")
        by_year.setdefault(_fy(issued_at), []).append((invoice, issued_at))
    for fy, items in by_year.items():
        last = _take_numbers(series=INVOICE_SERIES, fy=fy, count=len(items))
        for sequence, (invoice, issued_at) in enumerate(items, start=last - len(items) + 1):
            invoice.status = InvoiceStatus.PAID
            invoice.financial_year = fy
            invoice.sequence = sequence
            invoice.number = document_number(
                prefix=settings.INVOICE_PREFIX,
                series=INVOICE_SERIES,
                financial_year=fy,
                serial=sequence,
            )
            invoice.issued_at = issued_at
    fields = ["status", "financial_year", "sequence", "number", "issued_at"]
    if len(issues) == 1:
        issues[0][0].save(update_fields=fields)
    else:
        update_rows([invoice for invoice, _at in issues], fields)


def void_invoice(*, invoice: Invoice) -> None:
    if invoice.status == InvoiceStatus.PAID:
        raise InvoiceFrozen(f"Invoice {invoice.number} is issued and cannot be voided.")
    Invoice.objects.filter(pk=invoice.pk, status=InvoiceStatus.OPEN).update(
        status=InvoiceStatus.VOID
    )


def issue_credit_note(
    *,
    payment: Payment,
    amount_minor: int,
    reason: str,
    idempotency_key: str,
    gateway_refund_id: str,
    issued_at: dt.datetime,
) -> CreditNote:
    """The credit note for a refund of ``amount_minor``: its total is the refund (what went
    back to the reader), with GST carved out at the invoice's own rate and place of supply,
    never the settings of the day. Run it in the refund's transaction, holding the payment."""
    invoice = payment.invoice
    credited = invoice.credit_notes.aggregate(
        total=Coalesce(Sum("amount_minor"), 0),
        taxable=Coalesce(Sum("taxable_minor"), 0),
        cgst=Coalesce(Sum("cgst_minor"), 0),
        sgst=Coalesce(Sum("sgst_minor"), 0),
        igst=Coalesce(Sum("igst_minor"), 0),
        round_off=Coalesce(Sum("round_off_minor"), 0),
    )
    left = TaxSplit(
        total=int(invoice.total_minor) - credited["total"],
        taxable=int(invoice.taxable_minor) - credited["taxable"],
        cgst=int(invoice.cgst_minor) - credited["cgst"],
        sgst=int(invoice.sgst_minor) - credited["sgst"],
        igst=int(invoice.igst_minor) - credited["igst"],
        rate_bp=int(invoice.tax_rate_bp),
        round_off=int(invoice.round_off_minor) - credited["round_off"],
    )
    split = split_credit(amount_minor=amount_minor, rate_bp=int(invoice.tax_rate_bp), left=left)
    fy = _fy(issued_at)
    sequence = _next_number(series=CREDIT_SERIES, fy=fy)
    return CreditNote.objects.create(
        invoice=invoice,
        payment=payment,
        amount_minor=split.total,
        taxable_minor=split.taxable,
        cgst_minor=split.cgst,
        sgst_minor=split.sgst,
        igst_minor=split.igst,
        round_off_minor=split.round_off,
        currency=invoice.currency,
        reason=reason,
        idempotency_key=idempotency_key,
        gateway_refund_id=gateway_refund_id,
        number=document_number(
            prefix=settings.INVOICE_PREFIX, series=CREDIT_SERIES, financial_year=fy, serial=sequence
        ),
        financial_year=fy,
        sequence=sequence,
        issued_at=issued_at,
    )
