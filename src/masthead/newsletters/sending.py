"""Sending an issue: resumable, and every recipient gets it once.

1. **List** the recipients once: one ``Delivery`` per address, bulk-inserted under the unique
   constraint (issue, email), so listing again after a crash adds nobody twice. Then the list
   is fixed (``Issue.recipients_listed_at``).
2. **Claim** a batch: pending records (or records whose claim has outlived the lease, because
   the sender holding them died) are stamped with this sender's claim token in one UPDATE. On
   PostgreSQL the candidates are picked with ``SKIP LOCKED``, so several workers share a send.
3. **Send** the batch through one ``get_connection()``, one message per ``send_messages``
   call, and mark each record sent as soon as the backend has accepted it (one small committed
   UPDATE). A copy goes only within a quarter lease of the claim or of its last renewal: every
   quarter lease the sender renews the rest of its batch with one UPDATE that counts only
   claims still its own and inside the lease; if any is not, the sender leaves the batch, so a
   slow sender and the one that took over never both send a copy. A sender killed mid-batch
   leaves its unsent records claimed; after the lease another sender takes them. The only
   copy that can be sent twice is one whose acceptance arrived in the microseconds before its
   mark was committed; it goes out again with the same Message-ID.
4. When no record is pending or claimed, the issue is sent.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import smtplib
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import BigIntegerField, CharField, Q, QuerySet, Value
from django.utils import timezone

from masthead.access.identity import Reader
from masthead.access.selectors import active_benefits_of
from masthead.newsletters import mail
from masthead.newsletters.models import (
    Delivery,
    DeliveryStatus,
    Issue,
    IssueStatus,
    Signup,
    SignupStatus,
    Suppression,
)
from masthead.newsletters.rendering import IssueRenderer, Recipient, message_id_local
from masthead.newsletters.services import may_receive

logger = logging.getLogger(__name__)

LIST_CHUNK = 2000
NOT_ENTITLED = "unsubscribed, suppressed or no longer entitled"


@dataclass
class SendReport:
    issue_id: int
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    finished: bool = False
    interrupted: str = ""  # why the send stopped early (the backend failed), if it did


def _chunks(items: Iterator[Delivery], size: int) -> Iterator[list[Delivery]]:
    while chunk := list(islice(items, size)):
        yield chunk


def list_recipients(*, issue: Issue, now: dt.datetime) -> int:
    """Write a send record for everyone the issue goes to. Idempotent; returns the count."""
    if issue.recipients_listed_at is not None:
        return Delivery.objects.filter(issue=issue).count()
    newsletter = issue.newsletter
    signups = (
        Signup.objects.filter(newsletter=newsletter, status=SignupStatus.ACTIVE)
        .exclude(email__in=Suppression.objects.values("email"))
        .order_by("pk")
        .values_list("pk", "email", "user_id")
    )
    if newsletter.for_subscribers_only:
        # The gate answers for each account: the list goes through Python.
        records = (
            Delivery(issue=issue, signup_id=pk, email=email, user_id=user_id)
            for pk, email, user_id in signups.iterator(chunk_size=LIST_CHUNK)
            if may_receive(newsletter=newsletter, user_id=user_id, now=now)
        )
        for chunk in _chunks(records, LIST_CHUNK):
            Delivery.objects.bulk_create(chunk, ignore_conflicts=True)
    else:
        _list_in_one_statement(issue=issue, signups=signups)
    with transaction.atomic():
        Issue.objects.filter(pk=issue.pk, recipients_listed_at__isnull=True).update(
            recipients_listed_at=now
        )
    issue.recipients_listed_at = now
    return Delivery.objects.filter(issue=issue).count()


def _list_in_one_statement(*, issue: Issue, signups: QuerySet[Signup, Any]) -> None:
    """Everyone with an active sign-up gets a record, in one INSERT ... SELECT: no row passes
    through Python (for 100,000 addresses, bulk_create spent more CPU than the rest of a send's
    first 10,000 copies). ON CONFLICT DO NOTHING keeps listing again after a crash harmless, as
    ``ignore_conflicts`` did."""
    rows = signups.annotate(
        _issue=Value(issue.pk, output_field=BigIntegerField()),
        _status=Value(DeliveryStatus.PENDING, output_field=CharField()),
        _claim=Value("", output_field=CharField()),
        _error=Value("", output_field=CharField()),
    ).values_list("_issue", "pk", "email", "user_id", "_status", "_claim", "_error")
    select, params = rows.query.sql_with_params()
    table = Delivery._meta.db_table
    columns = "issue_id, signup_id, email, user_id, status, claim, error"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) {select} ON CONFLICT DO NOTHING",
            params,
        )


@dataclass(frozen=True, slots=True)
class Claimed:
    pk: int
    email: str
    signup_id: int | None
    user_id: int | None
    signup_status: str | None


def claim_batch(*, issue_id: int, claim: str, now: dt.datetime, size: int) -> list[Claimed]:
    lease = dt.timedelta(seconds=settings.NEWSLETTERS_CLAIM_SECONDS)
    with transaction.atomic():
        # Pending records, and claims that outlived the lease, lowest ids first. Two queries,
        # each along the (issue, status) index: one query with OR walked every record of the
        # issue in id order, sent ones too (at 100,000 recipients, 20 ms a batch by the end).
        open_records = Delivery.objects.select_for_update(skip_locked=True).filter(
            issue_id=issue_id
        )
        pending = open_records.filter(status=DeliveryStatus.PENDING)
        lapsed = open_records.filter(status=DeliveryStatus.CLAIMED, claimed_at__lt=now - lease)
        ids = sorted(
            [
                *pending.order_by("pk").values_list("pk", flat=True)[:size],
                *lapsed.order_by("pk").values_list("pk", flat=True)[:size],
            ]
        )[:size]
        if not ids:
            return []
        Delivery.objects.filter(pk__in=ids).update(
            status=DeliveryStatus.CLAIMED, claim=claim, claimed_at=now
        )
    rows = (
        Delivery.objects.filter(pk__in=ids, claim=claim)
        .order_by("pk")
        .values_list("pk", "email", "signup_id", "user_id", "signup__status")
    )
    return [Claimed(*row) for row in rows]


class _Marks:
    """Commits one record's outcome right after the backend answers (see the module doc), and
    keeps this sender's claim alive while it sends."""

    def __init__(self, claim: str) -> None:
        table = Delivery._meta.db_table
        self.claim = claim
        self.cursor: Any = None
        self.lease = dt.timedelta(seconds=settings.NEWSLETTERS_CLAIM_SECONDS)
        self.sent_sql = (
            f"UPDATE {table} SET status = %s, sent_at = %s "  # noqa: S608 - our table name
            "WHERE id = %s AND claim = %s AND status = %s"
        )

    def sent(self, pk: int, now: dt.datetime) -> None:
        """One autocommitted UPDATE, on the batch's cursor when it has one (``cursor``)."""
        params = [DeliveryStatus.SENT, _db_time(now), pk, self.claim, DeliveryStatus.CLAIMED]
        if self.cursor is not None:
            self.cursor.execute(self.sent_sql, params)
            return
        with connection.cursor() as cursor:
            cursor.execute(self.sent_sql, params)

    @contextmanager
    def on_one_cursor(self) -> Iterator[None]:
        """Marks made meanwhile share one database cursor (each is still its own commit)."""
        with connection.cursor() as cursor:
            self.cursor = cursor
            try:
                yield
            finally:
                self.cursor = None

    def hold_batch(self, pks: list[int], now: dt.datetime) -> bool:
        """Renew the claim on what is left of the batch; False unless every record is still
        this sender's and inside the lease.

        Another sender may take a record only once its claim is older than the lease, and this
        UPDATE renews only claims that are ours and younger than it: after a full renewal no
        other sender can take any of these records for a whole lease, so copies handed to the
        mail server within a quarter lease of the last renewal (or of the claim) go from this
        sender alone. One UPDATE a quarter lease instead of one a copy.
        """
        renewed = Delivery.objects.filter(
            pk__in=pks,
            claim=self.claim,
            status=DeliveryStatus.CLAIMED,
            claimed_at__gte=now - self.lease,
        ).update(claimed_at=now)
        return renewed == len(set(pks))

    def others(self, pks: list[int], status: str, error: str) -> None:
        if pks:
            Delivery.objects.filter(pk__in=pks, claim=self.claim).update(
                status=status, error=error[:300]
            )


def send_issue(
    *,
    issue_id: int,
    batch_size: int | None = None,
    now: Callable[[], dt.datetime] = timezone.now,
    max_batches: int | None = None,
    stopping: threading.Event | None = None,
) -> SendReport:
    """Send (or go on sending) one issue. Safe to run in several processes at once.

    ``stopping`` (the worker's SIGTERM): each sender finishes the batch in hand and claims no
    more; the rest stay pending for the next worker, the issue stays sending."""
    report = SendReport(issue_id=issue_id)
    size = batch_size or settings.NEWSLETTERS_BATCH_SIZE
    with transaction.atomic():
        issue = (
            Issue.objects.select_for_update().select_related("newsletter").filter(pk=issue_id)
        ).first()
        if issue is None or issue.status not in {IssueStatus.SCHEDULED, IssueStatus.SENDING}:
            report.finished = issue is not None and issue.status == IssueStatus.SENT
            return report
        if issue.status == IssueStatus.SCHEDULED:
            if issue.send_at and issue.send_at > now():
                return report
            issue.status = IssueStatus.SENDING
            issue.started_at = now()
            issue.save(update_fields=["status", "started_at"])
    started = now()
    list_recipients(issue=issue, now=started)
    threads = 1 if max_batches is not None else max(1, settings.NEWSLETTERS_CONNECTIONS)
    if threads == 1:
        _sender(issue=issue, started=started, size=size, now=now, max_batches=max_batches,
                report=report, stopping=stopping)  # fmt: skip
    else:
        _in_threads(issue=issue, started=started, size=size, now=now, threads=threads,
                    report=report, stopping=stopping)  # fmt: skip
    if not report.interrupted:
        _finish_if_done(issue=issue, now=now(), report=report)
    return report


def _in_threads(
    *,
    issue: Issue,
    started: dt.datetime,
    size: int,
    now: Callable[[], dt.datetime],
    threads: int,
    report: SendReport,
    stopping: threading.Event | None,
) -> None:
    """Several SMTP conversations at once: while one waits for the server, another renders.
    Each thread claims its own batches (and has its own database connection)."""
    reports = [SendReport(issue_id=issue.pk) for _ in range(threads)]
    errors: list[BaseException] = []

    def run(mine: SendReport) -> None:
        try:
            _sender(issue=issue, started=started, size=size, now=now, max_batches=None,
                    report=mine, stopping=stopping)  # fmt: skip
        except BaseException as exc:  # re-raised in the calling thread
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=run, args=(r,), daemon=True) for r in reports]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    for mine in reports:
        report.sent += mine.sent
        report.failed += mine.failed
        report.skipped += mine.skipped
        report.interrupted = report.interrupted or mine.interrupted
    if errors:
        raise errors[0]


def _sender(
    *,
    issue: Issue,
    started: dt.datetime,
    size: int,
    now: Callable[[], dt.datetime],
    max_batches: int | None,
    report: SendReport,
    stopping: threading.Event | None = None,
) -> None:
    renderer = IssueRenderer.for_issue(issue=issue, now=started)
    claim = uuid.uuid4().hex
    marks = _Marks(claim)
    names: dict[int, str] = {}
    batches = 0
    while max_batches is None or batches < max_batches:
        if stopping is not None and stopping.is_set():
            break  # nothing claimed: the batches left stay pending for the next worker
        claimed_at = now()
        batch = claim_batch(issue_id=issue.pk, claim=claim, now=claimed_at, size=size)
        if not batch:
            break
        batches += 1
        outcome = _send_batch(
            issue=issue,
            batch=batch,
            claimed_at=claimed_at,
            renderer=renderer,
            marks=marks,
            names=names,
            report=report,
            now=now,
        )
        if outcome is _Outcome.FAILED or outcome is _Outcome.LOST_AT_ONCE:
            break


def _first_names(user_ids: list[int], cache: dict[int, str]) -> None:
    missing = [u for u in user_ids if u not in cache]
    if missing:
        users = get_user_model().objects.filter(pk__in=missing).values_list("pk", "first_name")
        cache.update(dict(users))
        cache.update({u: "" for u in missing if u not in cache})


class _Outcome(enum.Enum):
    DONE = "done"
    LOST = "lost"  # the claim lapsed partway: the rest is someone else's (or claimed again)
    LOST_AT_ONCE = "lost at once"  # lapsed before a single copy went: stop, do not spin
    FAILED = "failed"  # the mail server went away: stop the send


@dataclass(slots=True)
class _Copy:
    index: int  # in the batch
    claimed: Claimed
    recipient: Recipient
    reader: Reader
    wire: bytes | None  # the whole message, for the SMTP pipeline; None: the ordinary path


def _send_batch(
    *,
    issue: Issue,
    batch: list[Claimed],
    claimed_at: dt.datetime,
    renderer: IssueRenderer,
    marks: _Marks,
    names: dict[int, str],
    report: SendReport,
    now: Callable[[], dt.datetime],
) -> _Outcome:
    """Send one claimed batch, renewing the claim as it goes (see ``_Marks.hold_batch``).

    Through our SMTP backend the copies go down one ``mail.Pipeline``: each copy's envelope
    travels with the previous copy's content, but a copy's content is written only after the
    previous copy was answered and marked, and after this copy's lease check, as before."""
    suppressed = set(
        Suppression.objects.filter(email__in=[c.email for c in batch]).values_list(
            "email", flat=True
        )
    )
    _first_names([c.user_id for c in batch if c.user_id is not None], names)
    skipped: list[int] = []
    batch_pks = [c.pk for c in batch]
    renewed_at = claimed_at
    handed = 0
    with get_connection(mail.backend_for_newsletters()) as backend, marks.on_one_cursor():
        pipeline = (
            backend.pipeline(from_email=renderer.from_email)
            if isinstance(backend, mail.SMTPBackend)
            else None
        )
        copies = _copies(issue=issue, batch=batch, renderer=renderer, suppressed=suppressed,
                         names=names, skipped=skipped, wire=pipeline is not None)  # fmt: skip
        current = next(copies, None)
        while current is not None:
            following = next(copies, None)
            copy = current.claimed
            moment = now()
            if moment - renewed_at >= marks.lease / 4 and marks.hold_batch(
                [*batch_pks[current.index :], *skipped], moment
            ):
                renewed_at = moment
            if moment - renewed_at >= marks.lease / 4:
                # Too slow: the lease ran out and another sender may hold some of the rest.
                logger.warning("issue %s: claim lapsed mid-batch; leaving the rest", issue.pk)
                if pipeline is not None:
                    pipeline.close()
                marks.others(skipped, DeliveryStatus.SKIPPED, NOT_ENTITLED)
                report.skipped += len(skipped)
                return _Outcome.LOST if handed else _Outcome.LOST_AT_ONCE
            handed += 1
            try:
                accepted = _hand(current, following, pipeline, backend, renderer)
            except smtplib.SMTPRecipientsRefused as exc:
                marks.others([copy.pk], DeliveryStatus.FAILED, _describe(exc))
                report.failed += 1
                current = following
                continue
            except (smtplib.SMTPException, OSError) as exc:
                # The server went away: what is claimed and unsent is retried after the lease.
                report.interrupted = _describe(exc)
                logger.warning("issue %s: sending stopped: %s", issue.pk, report.interrupted)
                if pipeline is not None:
                    pipeline.close()
                marks.others(skipped, DeliveryStatus.SKIPPED, "unsubscribed or suppressed")
                report.skipped += len(skipped)
                return _Outcome.FAILED
            if accepted:
                marks.sent(copy.pk, now())
                report.sent += 1
            else:
                marks.others([copy.pk], DeliveryStatus.FAILED, "the email backend refused it")
                report.failed += 1
            current = following
    marks.others(skipped, DeliveryStatus.SKIPPED, NOT_ENTITLED)
    report.skipped += len(skipped)
    return _Outcome.DONE


def _hand(
    current: _Copy,
    following: _Copy | None,
    pipeline: mail.Pipeline | None,
    backend: Any,
    renderer: IssueRenderer,
) -> int:
    """Hand one copy to the backend; how many it accepted (0 or 1)."""
    if pipeline is not None and current.wire is not None:
        ahead = None
        if following is not None and following.wire is not None:
            ahead = (following.claimed.email, len(following.wire))
        pipeline.send(to=current.claimed.email, data=current.wire, following=ahead)
        return 1
    message = renderer.message(recipient=current.recipient, reader=current.reader)
    return int(backend.send_messages([message]))


def _copies(
    *,
    issue: Issue,
    batch: list[Claimed],
    renderer: IssueRenderer,
    suppressed: set[str],
    names: dict[int, str],
    skipped: list[int],
    wire: bool,
) -> Iterator[_Copy]:
    """The batch's copies still to send, rendered one ahead of the wire; records that must not
    be sent go to ``skipped``."""
    newsletter = issue.newsletter
    at = renderer.now
    # What each account holder holds at the issue's instant, for the whole batch in one query
    # (the gate would ask once per reader; it reads these instead).
    held = active_benefits_of(user_ids=(c.user_id for c in batch if c.user_id), now=at)
    for index, copy in enumerate(batch):
        reader = Reader(
            user_id=copy.user_id,
            anonymous_id=None,
            _benefits=held.get(copy.user_id) if copy.user_id else None,
        )
        if (
            copy.signup_id is None
            or copy.signup_status != SignupStatus.ACTIVE
            or copy.email in suppressed
            or not may_receive(newsletter=newsletter, user_id=copy.user_id, now=at, reader=reader)
        ):
            skipped.append(copy.pk)
            continue
        recipient = Recipient(
            email=copy.email,
            signup_id=copy.signup_id,
            user_id=copy.user_id,
            first_name=names.get(copy.user_id, "") if copy.user_id else "",
            message_id=message_id_local(issue_id=issue.pk, delivery_id=copy.pk),
        )
        bytes_ = None
        if wire and mail.plain_address(copy.email):
            bytes_ = renderer.wire(recipient=recipient, reader=reader)
        yield _Copy(index=index, claimed=copy, recipient=recipient, reader=reader, wire=bytes_)


def _db_time(value: dt.datetime) -> str | dt.datetime | None:
    # What the ORM would store (SQLite: naive UTC text), so raw SQL compares times as it does.
    adapted: str | dt.datetime | None = connection.ops.adapt_datetimefield_value(value)
    return adapted


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:300]


def _finish_if_done(*, issue: Issue, now: dt.datetime, report: SendReport) -> None:
    open_statuses = [DeliveryStatus.PENDING, DeliveryStatus.CLAIMED]
    with transaction.atomic():
        if Delivery.objects.filter(issue=issue, status__in=open_statuses).exists():
            return
        done = Issue.objects.filter(pk=issue.pk, status=IssueStatus.SENDING).update(
            status=IssueStatus.SENT, finished_at=now
        )
    report.finished = True
    if done:
        logger.info("issue %s sent", issue.pk)


def due_issue_ids(*, now: dt.datetime) -> list[int]:
    """Scheduled issues whose time has come, and sends that stopped before finishing."""
    return list(
        Issue.objects.filter(
            Q(status=IssueStatus.SCHEDULED, send_at__lte=now) | Q(status=IssueStatus.SENDING)
        )
        .order_by("send_at", "pk")
        .values_list("pk", flat=True)
    )


def run_due_sends(
    *, now: dt.datetime | None = None, stopping: threading.Event | None = None
) -> list[SendReport]:
    """The worker's sweep: send what is due, go on with sends a dead worker left. With
    ``stopping`` set (SIGTERM), each send stops after the batch in hand."""
    at = now or timezone.now()
    reports = []
    for pk in due_issue_ids(now=at):
        if stopping is not None and stopping.is_set():
            break
        reports.append(send_issue(issue_id=pk, stopping=stopping))
    return reports
