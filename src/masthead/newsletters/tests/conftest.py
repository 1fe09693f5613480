"""Builders for the newsletters tests: real rows through the real services."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.utils import timezone

from masthead.access.models import Benefit, GrantSource
from masthead.access.services import grant_benefits
from masthead.newsletters import services
from masthead.newsletters.models import Audience, Issue, Newsletter, Signup, SignupStatus
from masthead.ops import testing

_numbers = itertools.count(1)


def newsletter(
    slug: str = "markets", *, audience: str = Audience.CONFIRMED_EMAIL, **extra: Any
) -> Newsletter:
    found, _ = Newsletter.objects.get_or_create(
        slug=slug,
        defaults={
            "name": slug.title(),
            "description": f"The {slug} newsletter.",
            "cadence": "Every weekday",
            "audience": audience,
            **extra,
        },
    )
    return found


def active_signup(news: Newsletter, email: str | None = None, user: User | None = None) -> Signup:
    address = email or (user.email if user else f"list{next(_numbers)}@example.com")
    return Signup.objects.create(
        newsletter=news,
        email=address,
        user=user,
        status=SignupStatus.ACTIVE,
        confirmed_at=timezone.now(),
    )


def reader(email: str | None = None, *, verified: bool = True, first_name: str = "") -> User:
    user = testing.reader_account(email)
    if first_name:
        user.first_name = first_name
        user.save(update_fields=["first_name"])
    EmailAddress.objects.create(user=user, email=user.email, verified=verified, primary=True)
    return user


def subscriber(email: str | None = None, **kwargs: Any) -> User:
    """A reader holding the benefits a subscription gives (premium stories, newsletters...)."""
    user = reader(email, **kwargs)
    grant_benefits(
        user=user,
        benefits=[Benefit.PREMIUM_STORIES, Benefit.UNLIMITED_STORIES, Benefit.NEWSLETTERS],
        source=GrantSource.COMPLIMENTARY,
        starts_at=timezone.now() - dt.timedelta(days=1),
        ends_at=None,
    )
    return user


def issue(news: Newsletter, stories: list[Any] | None = None, **extra: Any) -> Issue:
    made = Issue.objects.create(
        newsletter=news,
        subject=extra.pop("subject", f"Issue {next(_numbers)}"),
        introduction=extra.pop("introduction", "Good morning.\n\nHere is the news."),
        **extra,
    )
    services.set_stories(issue=made, articles=stories or [])
    return made


@pytest.fixture
def gated_stories() -> list[Any]:
    """A free, a metered and a premium story (each with SECRET- paragraphs past the lead)."""
    testing.demo_rules()
    section = testing.section("markets")
    return [
        testing.article(access_level="free", in_section=section, headline="Free story"),
        testing.article(access_level="metered", in_section=section, headline="Metered story"),
        testing.article(access_level="premium", in_section=section, headline="Premium story"),
    ]
