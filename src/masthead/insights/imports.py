"""Readers and subscribers in from another platform, by CSV.

Two layouts (docs/insights-import.md):

- ``generic``: ``email`` (required), ``name``, ``status`` (``free``, ``paid`` or ``comp``),
  ``paid_until`` (``YYYY-MM-DD``, the last day paid for, in the publisher's time zone; or an
  ISO date-time with a zone), ``external_id``.
- ``ghost``: Ghost's Members → Export (``id,email,name,note,subscribed_to_emails,
  complimentary_plan,stripe_customer_id,created_at,deleted_at,labels,tiers``), plus an
  optional ``paid_until`` column: Ghost's export does not say until when a member paid.

A paid or comped reader gets complimentary access (``access.services``) until the paid-until
date (to the end of that day), never a charge: when it runs out they subscribe here. Each row
is its own transaction; a row that cannot be imported is refused with its line and reason and
the rest go on. Re-running the same file adds nothing: readers are found by email and access by
its reference (``import:<layout>:<id or email>``). A dry run does every row inside a
transaction that is rolled back, so its report is exactly what a real run would do.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from masthead.access import services as access
from masthead.access.models import Benefit, GrantSource
from masthead.access.selectors import grants_for
from masthead.accounts.services import ensure_reader

LAYOUTS = ("generic", "ghost")
REQUIRED = {"generic": {"email"}, "ghost": {"id", "email", "complimentary_plan"}}
TRUE = {"true", "1", "yes", "y"}


class ImportRefused(ValueError):
    """The whole file cannot be read (wrong layout, missing columns)."""


@dataclass(frozen=True, slots=True)
class Refusal:
    line: int
    email: str
    reason: str


@dataclass
class ImportReport:
    rows: int = 0
    readers_added: int = 0
    readers_found: int = 0
    access_granted: int = 0
    access_unchanged: int = 0
    refused: list[Refusal] = field(default_factory=list)
    dry_run: bool = False


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    email: str
    name: str
    reference: str
    paid_until: dt.datetime | None
    wants_access: bool
    forever: bool = False


class _RolledBack(Exception):
    pass


def _end_of(text: str) -> dt.datetime:
    """The end of the paid-until day in the publisher's time zone (or an exact time)."""
    raw = text.strip()
    zone = ZoneInfo(settings.TIME_ZONE)
    if len(raw) == 10:
        day = dt.date.fromisoformat(raw)
        return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    moment = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("a time needs its zone, e.g. 2026-12-31T23:59:59+05:30")
    return moment


def _rows(layout: str, records: Iterable[dict[str, str]]) -> Iterable[Row | Refusal]:
    for line, record in enumerate(records, start=2):
        get = {k.strip().lower(): (v or "").strip() for k, v in record.items() if k}.get
        email = get("email", "") or ""
        try:
            validate_email(email)
        except ValidationError:
            yield Refusal(line, email, "no valid email address")
            continue
        paid_text = get("paid_until", "") or ""
        try:
            paid_until = _end_of(paid_text) if paid_text else None
        except ValueError as exc:
            yield Refusal(line, email, f"paid_until {paid_text!r} is not a date: {exc}")
            continue
        if layout == "ghost":
            if get("deleted_at"):
                yield Refusal(line, email, "deleted in Ghost")
                continue
            comped = (get("complimentary_plan", "") or "").lower() in TRUE
            paying = bool(get("stripe_customer_id"))
            if paying and not comped and paid_until is None:
                yield Refusal(
                    line,
                    email,
                    "a paying Ghost member needs a paid_until column (Ghost's export has no "
                    "end date): add it, or import them as free readers by clearing "
                    "stripe_customer_id",
                )
                continue
            yield Row(
                line=line,
                email=email,
                name=get("name", "") or "",
                reference=f"import:ghost:{get('id') or email.lower()}",
                paid_until=paid_until,
                wants_access=comped or paying,
                forever=comped and paid_until is None,
            )
            continue
        status = (get("status", "") or "free").lower()
        if status not in {"free", "paid", "comp"}:
            yield Refusal(line, email, f"status {status!r}: use free, paid or comp")
            continue
        if status == "paid" and paid_until is None:
            yield Refusal(line, email, "a paid subscriber needs paid_until (YYYY-MM-DD)")
            continue
        yield Row(
            line=line,
            email=email,
            name=get("name", "") or "",
            reference=f"import:generic:{get('external_id') or email.lower()}",
            paid_until=paid_until,
            wants_access=status != "free",
            forever=status == "comp" and paid_until is None,
        )


def _apply(row: Row, report: ImportReport, *, now: dt.datetime) -> None:
    user, made = ensure_reader(email=row.email, name=row.name)
    report.readers_added += made
    report.readers_found += not made
    if not row.wants_access:
        return
    open_grants = grants_for(user_id=user.pk).filter(
        source=GrantSource.COMPLIMENTARY, source_reference=row.reference, revoked_at__isnull=True
    )
    if row.forever:
        if open_grants.filter(ends_at__isnull=True).exists():
            report.access_unchanged += 1
            return
        access.grant_benefits(
            user=user,
            benefits=list(Benefit.values),
            source=GrantSource.COMPLIMENTARY,
            starts_at=now,
            ends_at=None,
            source_reference=row.reference,
            note="Imported complimentary access",
        )
        report.access_granted += 1
        return
    assert row.paid_until is not None
    if row.paid_until <= now:
        report.access_unchanged += 1  # already over: a reader, nothing to grant
        return
    if open_grants.filter(ends_at=row.paid_until).count() >= len(Benefit.values):
        report.access_unchanged += 1
        return
    access.sync_grants(
        user=user,
        source=GrantSource.COMPLIMENTARY,
        source_reference=row.reference,
        benefits=list(Benefit.values),
        starts_at=now,
        ends_at=row.paid_until,
    )
    report.access_granted += 1


def import_readers(
    *,
    text: str,
    layout: str,
    dry_run: bool,
    now: dt.datetime,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    if layout not in LAYOUTS:
        raise ImportRefused(f"Unknown layout {layout!r}: use {' or '.join(LAYOUTS)}.")
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    columns = {c.strip().lower() for c in reader.fieldnames or []}
    missing = sorted(REQUIRED[layout] - columns)
    if missing:
        raise ImportRefused(
            f"This is not a {layout} file: it has no {', '.join(missing)} column(s). "
            "See docs/insights-import.md for the layouts."
        )
    records = list(reader)
    report = ImportReport(dry_run=dry_run)
    # A dry run holds every row in one transaction and rolls it back; a real run commits row
    # by row, so a refusal or a crash leaves the rows before it imported (and a re-run skips
    # them).
    outer = transaction.atomic() if dry_run else contextlib.nullcontext()
    try:
        with outer:
            for done, item in enumerate(_rows(layout, records), start=1):
                report.rows += 1
                if isinstance(item, Refusal):
                    report.refused.append(item)
                else:
                    try:
                        with transaction.atomic():
                            _apply(item, report, now=now)
                    except (ValidationError, ValueError) as exc:
                        report.refused.append(Refusal(item.line, item.email, str(exc)))
                if progress:
                    progress(done, len(records))
            if dry_run:
                raise _RolledBack
    except _RolledBack:
        pass
    return report
