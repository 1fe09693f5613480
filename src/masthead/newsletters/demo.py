"""The demo's newsletters (Markets, Finance, Politics, Tech) and a draft issue to send."""

from __future__ import annotations

from django.db import transaction

from masthead.newsletters import services
from masthead.newsletters.models import Audience, Issue, IssueStatus, Newsletter
from masthead.newsroom.models import Article

NEWSLETTERS = [
    (
        "markets",
        "Markets",
        "The day's moves in stocks, bonds, the rupee and commodities, and why.",
        "Every weekday at 8 am",
        Audience.CONFIRMED_EMAIL,
        10,
        "markets",
    ),
    (
        "finance",
        "Finance",
        "Banking, insurance, personal finance and the RBI, for subscribers.",
        "Every Saturday",
        Audience.SUBSCRIBERS,
        20,
        "economy",
    ),
    (
        "politics",
        "Politics",
        "Parliament, the states and the policy that shapes business.",
        "Every weekday at 7 pm",
        Audience.CONFIRMED_EMAIL,
        30,
        "politics",
    ),
    (
        "tech",
        "Tech",
        "The companies, the code and the rules, in one weekly read.",
        "Every Friday",
        Audience.CONFIRMED_EMAIL,
        40,
        "technology",
    ),
]
SAMPLE_SUBJECT = "Markets this morning: what moved, and what to watch"


@transaction.atomic
def load() -> int:
    """Create or refresh the newsletters and one draft Markets issue. Safe to run again."""
    for slug, name, description, cadence, audience, position, _section in NEWSLETTERS:
        Newsletter.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "cadence": cadence,
                "audience": audience,
                "position": position,
                "is_active": True,
            },
        )
    markets = Newsletter.objects.get(slug="markets")
    if not Issue.objects.filter(newsletter=markets, subject=SAMPLE_SUBJECT).exists():
        issue = Issue.objects.create(
            newsletter=markets,
            subject=SAMPLE_SUBJECT,
            introduction=(
                "Good morning. Three stories to start the day.\n\n"
                "The last one is for subscribers: they get it in full right here."
            ),
            status=IssueStatus.DRAFT,
        )
        published = Article.objects.published().order_by("-published_at")
        stories = [
            *published.filter(section__slug="markets").exclude(access_level="premium")[:2],
            *published.filter(access_level="premium")[:1],
        ]
        services.set_stories(issue=issue, articles=stories)
    return len(NEWSLETTERS)
