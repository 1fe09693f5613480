"""Builders for tests: real rows through the real services, with sensible defaults."""

from __future__ import annotations

import io
import itertools
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from PIL import Image, ImageDraw

from masthead.access.models import Audience, MeterPeriod, MeterRule
from masthead.access.selectors import forget_cached_rules
from masthead.newsroom import images
from masthead.newsroom import services as newsroom
from masthead.newsroom.models import Article, Section, WireAgency

_numbers = itertools.count(1)


class WorkerKilled(BaseException):
    """Raised by a test where the worker process dies (SIGKILL, power cut).

    A BaseException, like the KeyboardInterrupt it resembles: the worker isolates every
    ``Exception`` (logs it, retries later) and goes on, but nothing survives a killed process.
    """


PARAGRAPHS = [
    "The finance ministry set out a plan on Tuesday to widen the tax base.",
    "Officials said the change would bring two million traders into the net.",
    "SECRET-THIRD-PARAGRAPH the analysts had not expected the timing.",
    "SECRET-FOURTH-PARAGRAPH markets closed higher after the announcement.",
    "SECRET-FIFTH-PARAGRAPH the opposition called for a debate in Parliament.",
]


def section(slug: str = "economy", name: str | None = None) -> Section:
    return newsroom.upsert_section(name=name or slug.title(), slug=slug)


def agency(slug: str = "afp") -> WireAgency:
    return newsroom.upsert_agency(slug=slug, name="Agence France-Presse", short_name="AFP")


def article(
    *,
    access_level: str = "metered",
    in_section: Section | None = None,
    wire: WireAgency | None = None,
    headline: str | None = None,
    body: list[str] | None = None,
    **extra: Any,
) -> Article:
    number = next(_numbers)
    return newsroom.save_article(
        slug=f"story-{number}",
        headline=headline or f"Story number {number}",
        standfirst=f"The standfirst of story {number}.",
        section=in_section or section(),
        body_text="\n\n".join(body or PARAGRAPHS),
        agency=wire,
        access_level=access_level,
        **extra,
    )


def image_bytes(
    size: tuple[int, int] = (1280, 720),
    *,
    dot_at: tuple[float, float] | None = None,
    fmt: str = "PNG",
) -> bytes:
    """A white image (a lead image's upload), with a red dot 60 px across at ``dot_at``
    (fractions of the width and height): a crop that keeps the focal point keeps the dot."""
    image = Image.new("RGB", size, (255, 255, 255))
    if dot_at is not None:
        x, y = dot_at[0] * size[0], dot_at[1] * size[1]
        ImageDraw.Draw(image).ellipse([x - 30, y - 30, x + 30, y + 30], fill=(220, 0, 0))
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def with_lead_image(story: Article, **extra: Any) -> Article:
    """Give a story a lead image (1280×720) through the newsroom's service."""
    fields: dict[str, Any] = {
        "alt": "A white square with nothing on it",
        "caption": "Nothing to see here.",
        "credit": "Test Desk",
        **extra,
    }
    return images.set_lead_image(article=story, data=image_bytes(), **fields)


def rule(
    *,
    audience: str = Audience.ANONYMOUS,
    free_limit: int = 3,
    period: str = MeterPeriod.CALENDAR_MONTH,
    rolling_days: int = 30,
    position: int = 10,
    **extra: Any,
) -> MeterRule:
    created = MeterRule.objects.create(
        name=f"{audience} {free_limit}",
        audience=audience,
        free_limit=free_limit,
        period=period,
        rolling_days=rolling_days,
        position=position,
        **extra,
    )
    forget_cached_rules()
    return created


def demo_rules() -> None:
    """The demo's meter: 3 a month anonymously, 5 a month signed in."""
    rule(audience=Audience.ANONYMOUS, free_limit=3, position=10)
    rule(audience=Audience.REGISTERED, free_limit=5, position=20)


def reader_account(email: str | None = None, password: str = "a-long-test-password") -> User:
    email = email or f"reader{next(_numbers)}@example.com"
    return get_user_model().objects.create_user(
        username=email.split("@")[0], email=email, password=password
    )


__all__ = [
    "PARAGRAPHS",
    "WorkerKilled",
    "agency",
    "article",
    "demo_rules",
    "forget_cached_rules",
    "newsroom",
    "reader_account",
    "rule",
    "section",
]
