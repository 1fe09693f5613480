"""Writing newsletters' data: sign-ups, confirmations, unsubscribes, suppressions, issues.

Every function here is safe to call twice: signing up again, confirming again, unsubscribing
again or suppressing an address again changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from masthead.access.gate import may_use
from masthead.access.identity import Reader
from masthead.access.models import Benefit
from masthead.newsletters import tokens
from masthead.newsletters.models import (
    Issue,
    IssueStatus,
    IssueStory,
    Newsletter,
    Signup,
    SignupStatus,
    Suppression,
    SuppressionReason,
)
from masthead.newsroom.models import Article

logger = logging.getLogger(__name__)


class NewsletterError(Exception):
    """A request we cannot carry out; the message says what was wrong and what to do."""


def normalise_email(raw: str) -> str:
    email = (raw or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise NewsletterError(
            f"“{raw.strip()}” is not an email address we can send to. "
            "Check it for typing mistakes, e.g. name@example.com."
        ) from exc
    return email


def may_receive(
    *,
    newsletter: Newsletter,
    user_id: int | None,
    now: dt.datetime,
    reader: Reader | None = None,
) -> bool:
    """Subscriber-only newsletters go to readers the gate lets use the newsletters benefit.
    (Pass the recipient's ``reader`` to share its benefits with the story decisions.)"""
    if not newsletter.for_subscribers_only:
        return True
    if user_id is None:
        return False
    reader = reader or Reader(user_id=user_id, anonymous_id=None)
    return may_use(reader=reader, benefit=Benefit.NEWSLETTERS, now=now).full


@dataclass(frozen=True, slots=True)
class SignupResult:
    email: str
    active: list[Newsletter]  # receiving from now on
    to_confirm: list[int]  # sign-up ids waiting for the confirmation link


def sign_up(
    *,
    newsletters: Iterable[Newsletter],
    email: str,
    user: AbstractBaseUser | None,
    email_verified: bool,
    source: str = "",
    now: dt.datetime | None = None,
) -> SignupResult:
    """Put an address on newsletters' lists.

    An address the reader has already proved theirs (a signed-in reader's verified address)
    starts receiving at once; any other must be confirmed from the link we email (double
    opt-in), and the caller sends that email after commit with ``to_confirm``.

    ``user`` counts only when ``email`` is that account's own address: a sign-up is tied to
    the account whose benefits it is judged by (and whose access decides what each copy
    shows), so a signed-in reader typing someone else's address signs it up as anyone would.
    """
    now = now or timezone.now()
    address = normalise_email(email)
    chosen = list(newsletters)
    if not chosen:
        raise NewsletterError("Choose at least one newsletter to sign up for.")
    owner = user if user is not None and _own_address(user=user, email=address) else None
    user_id = owner.pk if owner is not None else None
    refused = [n for n in chosen if not may_receive(newsletter=n, user_id=user_id, now=now)]
    if refused:
        names = ", ".join(n.name for n in refused)
        raise NewsletterError(
            f"{names} is for subscribers with the newsletters benefit. Subscribe (or sign in "
            "with the account that subscribed) to receive it, or choose a free newsletter."
        )
    inactive = [n for n in chosen if not n.is_active]
    if inactive:
        raise NewsletterError(f"{inactive[0].name} is no longer offered; choose another.")
    trusted = email_verified and owner is not None
    active: list[Newsletter] = []
    pending: list[int] = []
    with transaction.atomic():
        for newsletter in chosen:
            signup = _signup_row(newsletter=newsletter, email=address, now=now, source=source)
            # The address's proven owner takes the row over from any account linked before.
            if owner is not None and (signup.user_id is None or trusted):
                signup.user_id = owner.pk
            if signup.status == SignupStatus.ACTIVE:
                active.append(newsletter)
            elif trusted:
                signup.status = SignupStatus.ACTIVE
                signup.confirmed_at = now
                signup.unsubscribed_at = None
                active.append(newsletter)
            else:
                signup.status = SignupStatus.PENDING
                pending.append(signup.pk)
            signup.save(update_fields=["status", "confirmed_at", "unsubscribed_at", "user"])
    return SignupResult(email=address, active=active, to_confirm=pending)


def _own_address(*, user: AbstractBaseUser, email: str) -> bool:
    own = str(getattr(user, user.get_email_field_name(), "") or "").strip().lower()
    return bool(own) and own == email


def _signup_row(*, newsletter: Newsletter, email: str, now: dt.datetime, source: str) -> Signup:
    existing = Signup.objects.select_for_update().filter(newsletter=newsletter, email=email)
    found = existing.first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Signup.objects.create(
                newsletter=newsletter,
                email=email,
                status=SignupStatus.PENDING,
                source=source[:200],
            )
    except IntegrityError:  # signed up twice at the same moment: the other request won
        return Signup.objects.select_for_update().get(newsletter=newsletter, email=email)


def confirm(*, token: str, now: dt.datetime | None = None) -> list[Signup]:
    """The reader clicked the link we emailed: the address is theirs, the sign-ups start."""
    now = now or timezone.now()
    try:
        ids, email = tokens.read_confirm_token(token)
    except tokens.BadToken as exc:
        if str(exc) == "expired":
            raise NewsletterError(
                "This confirmation link has expired. Sign up again and we will send a new one."
            ) from exc
        raise NewsletterError(
            "This confirmation link is not valid. Copy the whole link from the email, or sign "
            "up again."
        ) from exc
    with transaction.atomic():
        signups = list(
            Signup.objects.select_for_update()
            .select_related("newsletter")
            .filter(pk__in=ids, email=email)
            .order_by("newsletter__position", "newsletter__name")
        )
        if not signups:
            raise NewsletterError("These sign-ups no longer exist. Sign up again, please.")
        for signup in signups:
            if signup.status == SignupStatus.PENDING:
                signup.status = SignupStatus.ACTIVE
                signup.confirmed_at = now
                # A reader coming back: an earlier unsubscribe no longer ends this spell.
                signup.unsubscribed_at = None
                signup.save(update_fields=["status", "confirmed_at", "unsubscribed_at"])
        # The reader just showed the mailbox works and wants our mail.
        Suppression.objects.filter(email=email, reason=SuppressionReason.BOUNCE).delete()
    return signups


def unsubscribe(*, signup_id: int, now: dt.datetime | None = None) -> Signup:
    now = now or timezone.now()
    with transaction.atomic():
        signup = (
            Signup.objects.select_for_update().select_related("newsletter").filter(pk=signup_id)
        ).first()
        if signup is None:
            raise NewsletterError("This address is no longer on that newsletter's list.")
        if signup.status != SignupStatus.UNSUBSCRIBED:
            signup.status = SignupStatus.UNSUBSCRIBED
            signup.unsubscribed_at = now
            signup.save(update_fields=["status", "unsubscribed_at"])
    return signup


def unsubscribe_by_token(*, token: str, now: dt.datetime | None = None) -> Signup:
    try:
        signup_id = tokens.read_unsubscribe_token(token)
    except tokens.BadToken as exc:
        raise NewsletterError(
            "This unsubscribe link is not valid. Copy the whole link from the email, or sign in "
            "and choose your newsletters."
        ) from exc
    return unsubscribe(signup_id=signup_id, now=now)


def set_choices(
    *,
    user: AbstractBaseUser,
    email: str,
    email_verified: bool,
    chosen: Iterable[Newsletter],
    now: dt.datetime | None = None,
) -> SignupResult:
    """A signed-in reader's preferences page: exactly the chosen newsletters, no others."""
    now = now or timezone.now()
    wanted = {n.pk: n for n in chosen}
    address = normalise_email(email)
    with transaction.atomic():
        for signup in Signup.objects.select_for_update().filter(email=address):
            if signup.newsletter_id not in wanted and signup.status != SignupStatus.UNSUBSCRIBED:
                unsubscribe(signup_id=signup.pk, now=now)
        if not wanted:
            return SignupResult(email=address, active=[], to_confirm=[])
        return sign_up(
            newsletters=wanted.values(),
            email=address,
            user=user,
            email_verified=email_verified,
            source="preferences",
            now=now,
        )


def suppress(*, email: str, reason: str, detail: str = "") -> Suppression:
    address = email.strip().lower()
    with transaction.atomic():
        found, _ = Suppression.objects.get_or_create(
            email=address, defaults={"reason": reason, "detail": detail[:300]}
        )
    return found


# --- Composing and sending -----------------------------------------------------------------


def set_stories(*, issue: Issue, articles: list[Article]) -> None:
    if issue.status != IssueStatus.DRAFT:
        raise NewsletterError("Only a draft issue's stories can be changed.")
    with transaction.atomic():
        IssueStory.objects.filter(issue=issue).delete()
        IssueStory.objects.bulk_create(
            IssueStory(issue=issue, article=a, position=i) for i, a in enumerate(articles)
        )


def _ready_to_send(issue: Issue) -> None:
    if issue.status not in {IssueStatus.DRAFT, IssueStatus.SCHEDULED}:
        raise NewsletterError(f"This issue is already {issue.get_status_display().lower()}.")
    if not issue.newsletter.is_active:
        raise NewsletterError(f"{issue.newsletter.name} is inactive: make it active to send.")
    if not issue.issue_stories.exists() and not issue.introduction.strip():
        raise NewsletterError("Add an introduction or at least one story before sending.")


def schedule(*, issue_id: int, send_at: dt.datetime, now: dt.datetime | None = None) -> Issue:
    """The worker sends it at ``send_at`` (at once if that has passed)."""
    now = now or timezone.now()
    with transaction.atomic():
        issue = Issue.objects.select_for_update().select_related("newsletter").get(pk=issue_id)
        _ready_to_send(issue)
        issue.status = IssueStatus.SCHEDULED
        issue.send_at = max(send_at, now)
        issue.save(update_fields=["status", "send_at"])
    return issue


def send_now(*, issue_id: int, now: dt.datetime | None = None) -> Issue:
    from masthead.newsletters import tasks

    issue = schedule(issue_id=issue_id, send_at=now or timezone.now(), now=now)
    tasks.after_commit(tasks.send_issue, issue_id=issue.pk)
    return issue


def unschedule(*, issue_id: int) -> Issue:
    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue_id)
        if issue.status != IssueStatus.SCHEDULED:
            raise NewsletterError("Only a scheduled issue that has not started can go back.")
        issue.status = IssueStatus.DRAFT
        issue.save(update_fields=["status"])
    return issue
