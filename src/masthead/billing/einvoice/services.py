"""Registering what is due with the IRP, from the worker; failures retried with a back-off
and shown to staff. Only the worker calls the IRP: issuing an invoice never waits for it."""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from masthead.billing.clock import now_for
from masthead.billing.einvoice.clients import IrpError, get_irp
from masthead.billing.einvoice.schema import document_date, irp_request
from masthead.billing.models import (
    CreditNote,
    EInvoiceRegistration,
    EInvoiceStatus,
    Invoice,
    InvoiceStatus,
)
from masthead.billing.supply import SupplyType

logger = logging.getLogger(__name__)

REPORTED = (SupplyType.B2B, *SupplyType.EXPORTS)
BACKOFF = (dt.timedelta(minutes=5), dt.timedelta(minutes=30), dt.timedelta(hours=2))
LATEST_BACKOFF = dt.timedelta(hours=6)

# GSTN advisory of 5 Nov 2024 (in force from 1 Apr 2025 for an aggregate annual turnover of
# ₹10 crore or more; before, ₹100 crore from 1 Nov 2023): the IRP will not register a document
# more than 30 days old on the day it is reported. The advisory's own example counts the
# document's date as the first day: "if an invoice has a date of Nov. 1, 2023, it cannot be
# reported after Nov. 30, 2023" (einvoice1.gst.gov.in/Documents/advisory080923.pdf).
REPORTING_DAYS = 30


def last_reporting_day(document_date: dt.date) -> dt.date:
    """The last day the IRP accepts a document of this date, under the 30-day limit."""
    return document_date + dt.timedelta(days=REPORTING_DAYS - 1)


def _too_late(document: Invoice | CreditNote, *, now: dt.datetime) -> str:
    """Why the IRP would refuse this document for its age ('' when it is in time)."""
    if not settings.EINVOICE_30_DAY_LIMIT:
        return ""
    dated = document_date(document)
    last = last_reporting_day(dated)
    customer = (document.invoice if isinstance(document, CreditNote) else document).customer
    if customer.test_clock_id is not None:  # a sandbox reader's documents live on their clock
        now = now_for(customer)
    if now.astimezone(ZoneInfo(settings.TIME_ZONE)).date() <= last:
        return ""
    return (
        f"Too late for the IRP: dated {dated:%d %b %Y}, it could be reported until "
        f"{last:%d %b %Y} (the 30-day limit for a turnover of ₹10 crore or more, GSTN advisory "
        "of 5 Nov 2024). It is not retried: ask the accountant how to correct it."
    )


def _open_registrations() -> None:
    """A pending registration for every reportable document issued without one."""
    invoices = Invoice.objects.filter(
        status=InvoiceStatus.PAID, supply_type__in=REPORTED, einvoice__isnull=True
    ).values_list("pk", flat=True)
    notes = CreditNote.objects.filter(
        invoice__supply_type__in=REPORTED, einvoice__isnull=True
    ).values_list("pk", flat=True)
    EInvoiceRegistration.objects.bulk_create(
        [EInvoiceRegistration(invoice_id=pk) for pk in invoices]
        + [EInvoiceRegistration(credit_note_id=pk) for pk in notes],
        ignore_conflicts=True,
    )


def register_due(*, now: dt.datetime | None = None, limit: int = 100) -> int:
    """Register pending and due-for-retry documents; returns how many were registered."""
    if not settings.EINVOICE_ENABLED:
        return 0
    now = now or timezone.now()
    _open_registrations()
    due = (
        EInvoiceRegistration.objects.filter(
            Q(status=EInvoiceStatus.PENDING)
            | Q(status=EInvoiceStatus.FAILED, next_attempt_at__lte=now)
        )
        .select_related("invoice", "credit_note__invoice")
        .order_by("pk")[:limit]
    )
    registered = 0
    for registration in due:
        registered += register(registration=registration, now=now)
    return registered


def register(*, registration: EInvoiceRegistration, now: dt.datetime) -> bool:
    document = registration.invoice or registration.credit_note
    assert document is not None
    late = _too_late(document, now=now)
    if late:
        # Retrying cannot help: the portal refuses it for its date. Staff see why.
        EInvoiceRegistration.objects.filter(pk=registration.pk).update(
            status=EInvoiceStatus.TOO_LATE, last_error=late[:500], next_attempt_at=None
        )
        logger.warning("e-invoice %s not registered: %s", document.number, late)
        return False
    try:
        result = get_irp().register(irp_request(document))
    except (IrpError, KeyError, ValueError) as exc:
        attempts = registration.attempts + 1
        wait = BACKOFF[attempts - 1] if attempts <= len(BACKOFF) else LATEST_BACKOFF
        with transaction.atomic():
            EInvoiceRegistration.objects.filter(pk=registration.pk).update(
                status=EInvoiceStatus.FAILED,
                attempts=attempts,
                last_error=str(exc)[:500],
                next_attempt_at=now + wait,
            )
        logger.warning("e-invoice %s not registered: %s", document.number, exc)
        return False
    EInvoiceRegistration.objects.filter(pk=registration.pk).update(
        status=EInvoiceStatus.REGISTERED,
        irn=result.irn,
        ack_no=result.ack_no,
        ack_at=result.ack_at,
        signed_qr=result.signed_qr,
        attempts=registration.attempts + 1,
        last_error="",
        next_attempt_at=None,
    )
    return True
