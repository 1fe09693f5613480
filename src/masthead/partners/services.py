"""Partner codes: upload a pool's codes, decide who may have one, hand each reader exactly one.

Who may have a code is the gate's answer (``may_use(benefit=partner_bundle)``), plus the pool's
"after N paid days", measured from the start of the reader's current paid hold on the benefit
(``access.selectors.benefit_held_since`` with source ``subscription``): billing's tables are
never read here.

Exactly one code per reader and never one code to two readers, however many requests and
workers claim at once:

* a reader's claim takes the first free code with ``SELECT … FOR UPDATE SKIP LOCKED`` on
  PostgreSQL (parallel claims take different codes without waiting on each other); SQLite's
  ``BEGIN IMMEDIATE`` transactions run one claim at a time;
* the unique (pool, reader) constraint stops a second code reaching the same reader: the loser
  of that race rolls back and gets the winner's code;
* ``claimed_at`` is set once and never cleared, so a code is never handed out twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from enum import StrEnum
from functools import partial

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from masthead.access.clock import reader_now
from masthead.access.gate import may_use
from masthead.access.identity import Reader
from masthead.access.models import Benefit, GrantSource
from masthead.access.selectors import benefit_held_since
from masthead.partners import selectors
from masthead.partners.codefile import CodeFileError, CodeLine, code_key, read_codes
from masthead.partners.models import PartnerCode, PartnerPool

logger = logging.getLogger(__name__)

_IN_BATCHES = 500  # codes checked against the pool per query


class Why(StrEnum):
    ELIGIBLE = "eligible"
    NO_BENEFIT = "no_benefit"  # no plan with the partner benefit
    NOT_PAID = "not_paid"  # holds it, but not through a paid subscription (the pool needs one)
    TOO_SOON = "too_soon"  # paid, not yet for the pool's N days


@dataclass(frozen=True, slots=True)
class Eligibility:
    why: Why
    ready_at: dt.datetime | None = None  # TOO_SOON: when the reader qualifies

    @property
    def eligible(self) -> bool:
        return self.why == Why.ELIGIBLE


class NotEligible(Exception):
    def __init__(self, eligibility: Eligibility) -> None:
        self.eligibility = eligibility
        super().__init__(eligibility.why)


class PoolEmpty(Exception):
    """No unclaimed code is left in the pool: staff must upload more."""


# --- Upload --------------------------------------------------------------------------------


def upload_codes(*, pool: PartnerPool, raw: bytes, uploaded_by: User | None) -> int:
    """Add the file's codes to the pool, all or none. Returns how many were added.

    CodeFileError (nothing added) names every refused line in one report: not a code, more
    than one column, a code repeated in the file or already in the pool, or a file with no
    codes at all. Codes are compared without letter case (and surrounding spaces) unless
    ``settings.PARTNER_CODES_CASE_SENSITIVE``; each is stored as the partner wrote it.
    """
    case_sensitive = settings.PARTNER_CODES_CASE_SENSITIVE
    read = read_codes(raw, case_sensitive=case_sensitive)
    lines = read.codes
    with transaction.atomic():
        in_pool = _already_in_pool(pool=pool, lines=lines, case_sensitive=case_sensitive)
        problems = read.problems + [
            (line.line, f"Line {line.line}: this code is already in the pool.")
            for line in lines
            if code_key(line.code, case_sensitive=case_sensitive) in in_pool
        ]
        if problems:
            raise CodeFileError([problem for _, problem in sorted(problems)])
        now = timezone.now()
        try:
            PartnerCode.objects.bulk_create(
                [
                    PartnerCode(
                        pool=pool,
                        code=line.code,
                        case_sensitive=case_sensitive,
                        uploaded_at=now,
                        uploaded_by=uploaded_by,
                    )
                    for line in lines
                ],
                batch_size=_IN_BATCHES,
            )
        except IntegrityError as exc:  # someone uploaded the same codes this very moment
            raise CodeFileError(
                ["Some of these codes were added to the pool meanwhile. Upload the file again."]
            ) from exc
    logger.info("%s partner code(s) added to pool %s", len(lines), pool.pk)
    return len(lines)


def _already_in_pool(*, pool: PartnerPool, lines: list[CodeLine], case_sensitive: bool) -> set[str]:
    """The keys (see ``code_key``) of these codes that the pool already holds."""
    found: set[str] = set()
    for start in range(0, len(lines), _IN_BATCHES):
        batch = [line.code for line in lines[start : start + _IN_BATCHES]]
        if case_sensitive:
            stored = PartnerCode.objects.filter(pool=pool, code__in=batch)
        else:
            stored = PartnerCode.objects.annotate(folded=Lower("code")).filter(
                pool=pool, folded__in=[code.lower() for code in batch]
            )
        found.update(
            code_key(code, case_sensitive=case_sensitive)
            for code in stored.values_list("code", flat=True)
        )
    return found


# --- Who may have a code ----------------------------------------------------------------


def eligibility(*, user_id: int, pool: PartnerPool, now: dt.datetime | None = None) -> Eligibility:
    at = now or reader_now(user_id)
    reader = Reader(user_id=user_id, anonymous_id=None)
    if not may_use(reader=reader, benefit=Benefit.PARTNER_BUNDLE, now=at).full:
        return Eligibility(why=Why.NO_BENEFIT)
    if pool.min_paid_days:
        since = benefit_held_since(
            user_id=user_id, benefit=Benefit.PARTNER_BUNDLE, source=GrantSource.SUBSCRIPTION, now=at
        )
        if since is None:
            return Eligibility(why=Why.NOT_PAID)
        ready_at = since + dt.timedelta(days=pool.min_paid_days)
        if at < ready_at:
            return Eligibility(why=Why.TOO_SOON, ready_at=ready_at)
    return Eligibility(why=Why.ELIGIBLE)


# --- Claiming --------------------------------------------------------------------------


def claim_code(*, user: User, pool: PartnerPool, now: dt.datetime | None = None) -> PartnerCode:
    """The reader's code from this pool: the one they have, or the next free one.

    NotEligible if the gate (or the pool's paid days) says no; PoolEmpty if none is left. A new
    code is emailed to the reader once the claim commits.
    """
    mine = selectors.code_of(user_id=user.pk, pool=pool)
    if mine is not None:
        return mine
    if not pool.is_active:
        raise NotEligible(Eligibility(why=Why.NO_BENEFIT))
    check = eligibility(user_id=user.pk, pool=pool, now=now)
    if not check.eligible:
        raise NotEligible(check)
    from masthead.partners import tasks

    while True:
        try:
            with transaction.atomic():
                free = (
                    PartnerCode.objects.select_for_update(skip_locked=True)
                    .filter(pool=pool, claimed_at__isnull=True)
                    .order_by("pk")
                    .only("pk")
                    .first()
                )
                if free is None:
                    raise PoolEmpty
                # The row is locked (or, on SQLite, the database is): the condition is a
                # second guard, and a lost race just tries the next free code.
                taken = PartnerCode.objects.filter(pk=free.pk, claimed_at__isnull=True).update(
                    claimed_by=user, claimed_at=timezone.now()
                )
                if not taken:
                    continue
                transaction.on_commit(partial(tasks.send_partner_code.enqueue, code_id=free.pk))
        except IntegrityError:
            # The same reader claimed at this very moment elsewhere, and won: theirs is the code.
            return PartnerCode.objects.select_related("pool").get(pool=pool, claimed_by=user)
        logger.info("partner code #%s (pool %s) given to reader %s", free.pk, pool.pk, user.pk)
        return PartnerCode.objects.select_related("pool").get(pk=free.pk)


@dataclass(frozen=True, slots=True)
class SweepReport:
    assigned: int = 0
    waiting: int = 0  # eligible readers left without a code because a pool ran out


def assign_codes(*, batch_size: int = 500) -> SweepReport:
    """The worker's sweep: every eligible reader without a code gets one. Idempotent: readers
    with a code are skipped, and the constraints make a repeated or parallel run harmless.

    Candidates come in id order, ``batch_size`` at a time, each batch after the last id seen,
    so one sweep reaches every eligible reader however many wait, and always ends.
    """
    assigned = waiting_in_all = 0
    for pool in PartnerPool.objects.filter(is_active=True):
        waiting = 0
        empty = False
        after = 0
        now = timezone.now()
        while batch := selectors.sweep_candidates(
            pool=pool, after_user_id=after, limit=batch_size, now=now
        ):
            after = batch[-1].pk
            for user in batch:
                if empty:
                    # No code left to try: only count who waits for the next upload.
                    if eligibility(user_id=user.pk, pool=pool).eligible:
                        waiting += 1
                    continue
                try:
                    claim_code(user=user, pool=pool)
                except NotEligible:
                    continue
                except PoolEmpty:
                    empty = True
                    waiting += 1
                    continue
                assigned += 1
        if waiting:
            logger.warning(
                "partner pool %s is empty: %s eligible reader(s) wait for codes", pool.pk, waiting
            )
        waiting_in_all += waiting
    return SweepReport(assigned=assigned, waiting=waiting_in_all)
