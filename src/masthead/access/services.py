"""Writing access: grants, meter rules, prompt copy, and carrying meters across sign-in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connections, router, transaction
from django.db.models import Q
from django.utils import timezone

from masthead.access.copy import CopyError, validate_copy
from masthead.access.models import Benefit, Grant, GrantSource, PromptCopy
from masthead.access.selectors import forget_cached_rules
from masthead.access.stores import MeterStore, MeterUnavailable
from masthead.core.bulk import update_rows, values_table

_MERGE_LOOKBACK = dt.timedelta(days=400)


class CompDuration(StrEnum):
    ONE_WEEK = "1w"
    ONE_MONTH = "1m"
    SIX_MONTHS = "6m"
    ONE_YEAR = "1y"
    FOREVER = "forever"


COMP_DURATION_LABELS = {
    CompDuration.ONE_WEEK: "1 week",
    CompDuration.ONE_MONTH: "1 month",
    CompDuration.SIX_MONTHS: "6 months",
    CompDuration.ONE_YEAR: "1 year",
    CompDuration.FOREVER: "Forever",
}


def _add_months(moment: dt.datetime, months: int) -> dt.datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    # Clamp to the month's last day (31 Jan + 1 month = 28/29 Feb).
    for day in (moment.day, 30, 29, 28):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has a 28th")


def comp_ends_at(*, starts_at: dt.datetime, duration: CompDuration) -> dt.datetime | None:
    if duration == CompDuration.ONE_WEEK:
        return starts_at + dt.timedelta(weeks=1)
    if duration == CompDuration.ONE_MONTH:
        return _add_months(starts_at, 1)
    if duration == CompDuration.SIX_MONTHS:
        return _add_months(starts_at, 6)
    if duration == CompDuration.ONE_YEAR:
        return _add_months(starts_at, 12)
    return None


@transaction.atomic
def grant_benefits(
    *,
    user: User,
    benefits: list[str],
    source: GrantSource,
    starts_at: dt.datetime,
    ends_at: dt.datetime | None,
    source_reference: str = "",
    note: str = "",
    granted_by: User | None = None,
) -> list[Grant]:
    """The one way benefits are given (billing, staff, gifts and partners all come here)."""
    unknown = sorted(set(benefits) - set(Benefit.values))
    if unknown:
        raise ValidationError(f"Unknown benefit(s): {', '.join(unknown)}.")
    if not benefits:
        raise ValidationError("Choose at least one benefit to grant.")
    if timezone.is_naive(starts_at) or (ends_at is not None and timezone.is_naive(ends_at)):
        raise ValidationError("Grant times must carry a time zone.")
    if ends_at is not None and ends_at <= starts_at:
        raise ValidationError("A grant must end after it starts.")
    return [
        Grant.objects.create(
            user=user,
            benefit=benefit,
            source=source,
            source_reference=source_reference,
            starts_at=starts_at,
            ends_at=ends_at,
            note=note,
            granted_by=granted_by,
        )
        for benefit in dict.fromkeys(benefits)
    ]


def grant_complimentary(
    *,
    user: User,
    duration: CompDuration,
    granted_by: User | None,
    benefits: list[str] | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> list[Grant]:
    """Staff comp: every benefit (unless narrowed) for a fixed time or forever."""
    starts_at = now or timezone.now()
    return grant_benefits(
        user=user,
        benefits=benefits or list(Benefit.values),
        source=GrantSource.COMPLIMENTARY,
        starts_at=starts_at,
        ends_at=comp_ends_at(starts_at=starts_at, duration=duration),
        note=note or f"Complimentary, {COMP_DURATION_LABELS[duration]}",
        granted_by=granted_by,
    )


@transaction.atomic
def revoke_grants(
    *, grants: list[Grant], revoked_by: User | None, now: dt.datetime | None = None
) -> int:
    """Revoke grants now; already-revoked ones are left as they were. Returns how many."""
    moment = now or timezone.now()
    ids = [g.pk for g in grants]
    return Grant.objects.filter(pk__in=ids, revoked_at__isnull=True).update(
        revoked_at=moment, revoked_by=revoked_by
    )


@transaction.atomic
def sync_grants(
    *,
    user: User,
    source: GrantSource,
    source_reference: str,
    benefits: list[str],
    starts_at: dt.datetime,
    ends_at: dt.datetime,
) -> None:
    """Make one source's open grants be exactly ``benefits`` until ``ends_at``.

    Billing calls this whenever a subscription's paid-through time or plan changes: extended
    on renewal, extended to the grace period on a failed payment, cut short on an end.
    """
    open_grants = Grant.objects.filter(
        user=user, source=source, source_reference=source_reference, revoked_at__isnull=True
    )
    wanted = set(benefits)
    # Benefits the plan no longer includes stop now.
    open_grants.exclude(benefit__in=wanted).filter(starts_at__lt=starts_at).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=starts_at)
    ).update(ends_at=starts_at)
    present = set(open_grants.filter(benefit__in=wanted).values_list("benefit", flat=True))
    open_grants.filter(benefit__in=wanted).exclude(starts_at__gte=ends_at).update(ends_at=ends_at)
    missing = [b for b in benefits if b not in present]
    if missing and ends_at > starts_at:
        grant_benefits(
            user=user,
            benefits=missing,
            source=source,
            starts_at=starts_at,
            ends_at=ends_at,
            source_reference=source_reference,
        )


@dataclass(frozen=True, slots=True)
class GrantSync:
    """One source reference's wanted grants, for ``sync_grants_many``."""

    user_id: int
    source_reference: str
    benefits: list[str]
    starts_at: dt.datetime
    ends_at: dt.datetime


def sync_grants_many(*, source: GrantSource, syncs: Sequence[GrantSync]) -> None:
    """``sync_grants`` for many source references at once (a batch of renewals): one read of
    which benefits their open grants hold (no model instances, no times), one UPDATE per plan's
    set of benefits extending them, one INSERT of the missing ones; grants of benefits a plan
    no longer includes (rare: a plan change) are stopped as ``sync_grants`` stops them."""
    if not syncs:
        return
    by_reference = {sync.source_reference: sync for sync in syncs}
    unknown = sorted({b for sync in syncs for b in sync.benefits} - set(Benefit.values))
    if unknown:
        raise ValidationError(f"Unknown benefit(s): {', '.join(unknown)}.")
    # By user as well as reference: the user's grants are indexed, references are not.
    open_grants = Grant.objects.filter(
        source=source,
        user_id__in={sync.user_id for sync in syncs},
        source_reference__in=by_reference,
        revoked_at__isnull=True,
    ).order_by()
    present: dict[str, set[str]] = {reference: set() for reference in by_reference}
    stray: list[int] = []
    for pk, reference, user_id, benefit in open_grants.values_list(
        "pk", "source_reference", "user_id", "benefit"
    ):
        sync = by_reference[reference]
        if user_id != sync.user_id:
            continue
        if benefit in sync.benefits:
            present[reference].add(benefit)
        else:
            stray.append(pk)
    if stray:
        # Benefits the plan no longer includes stop now.
        stopped = []
        for grant in Grant.objects.filter(pk__in=stray).order_by():
            sync = by_reference[grant.source_reference]
            if grant.starts_at < sync.starts_at and (
                grant.ends_at is None or grant.ends_at > sync.starts_at
            ):
                grant.ends_at = sync.starts_at
                stopped.append(grant)
        update_rows(stopped, ["ends_at"])
    _extend_grants(source=source, syncs=[sync for sync in syncs if present[sync.source_reference]])
    missing = [
        Grant(
            user_id=sync.user_id,
            benefit=benefit,
            source=source,
            source_reference=sync.source_reference,
            starts_at=sync.starts_at,
            ends_at=sync.ends_at,
        )
        for sync in syncs
        if sync.ends_at > sync.starts_at
        for benefit in dict.fromkeys(sync.benefits)
        if benefit not in present[sync.source_reference]
    ]
    if missing:
        Grant.objects.bulk_create(missing)


def _extend_grants(*, source: GrantSource, syncs: Sequence[GrantSync]) -> None:
    """Each sync's open grants of its benefits that started before its end now end at its end:
    one UPDATE per set of benefits, three values per source reference (not per grant)."""
    by_benefits: dict[tuple[str, ...], list[GrantSync]] = {}
    for sync in syncs:
        by_benefits.setdefault(tuple(sorted(set(sync.benefits))), []).append(sync)
    meta = Grant._meta
    connection = connections[router.db_for_write(Grant)]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)

    def column(name: str) -> str:
        return f"{table}.{quote(str(fields_by_name[name].column))}"

    fields_by_name = {field.name: field for field in meta.concrete_fields}
    fields = [fields_by_name[name] for name in ("source_reference", "user", "ends_at")]
    with connection.cursor() as cursor:
        for benefits, group in by_benefits.items():
            for start in range(0, len(group), 500):
                chunk = group[start : start + 500]
                values, (reference, user, ends_at), params = values_table(
                    fields=fields,
                    rows=[[s.source_reference, s.user_id, s.ends_at] for s in chunk],
                    connection=connection,
                )
                cursor.execute(
                    f"UPDATE {table} SET {quote('ends_at')} = {ends_at} "  # noqa: S608 (ours)
                    f"FROM {values} AS v WHERE {column('source')} = %s "
                    f"AND {column('source_reference')} = {reference} "
                    f"AND {column('user')} = {user} AND {column('revoked_at')} IS NULL "
                    f"AND {column('benefit')} IN ({', '.join(['%s'] * len(benefits))}) "
                    f"AND {column('starts_at')} < {ends_at} "
                    f"AND ({column('ends_at')} IS NULL OR {column('ends_at')} <> {ends_at})",
                    [*params, str(source), *benefits],
                )


def save_prompt_copy(*, kind: str, **fields: Any) -> PromptCopy:
    """Save prompt copy, refusing unknown or malformed placeholders with a message naming them."""
    errors: dict[str, str] = {}
    for name in ("heading", "message", "button_label", "secondary", "footnote"):
        try:
            validate_copy(str(fields.get(name, "")))
        except CopyError as exc:
            errors[name] = str(exc)
    if errors:
        raise ValidationError(errors)
    copy, _ = PromptCopy.objects.update_or_create(kind=kind, defaults=fields)
    return copy


def rules_changed() -> None:
    """Call after meter rules are edited, so this process sees the change at once."""
    forget_cached_rules()


def carry_meter(*, store: MeterStore, from_key: str, into_key: str) -> bool:
    """Carry counted stories from one reader identity into another. False if the store is down."""
    try:
        store.merge(from_key=from_key, into_key=into_key, since=timezone.now() - _MERGE_LOOKBACK)
    except MeterUnavailable:
        return False
    return True
