"""Reader-revenue events as readers make them: over HTTP, through the real gate, into the
database (embedded) or Redis (scaled out), then rolled up by the worker's sweep."""

from __future__ import annotations

import datetime as dt
import os
import re
import time

import pytest
from django.utils import timezone

from masthead.access.models import Audience
from masthead.insights import events, services
from masthead.insights.models import Bucket, Conversion, ReaderEvent, Rollup
from masthead.insights.tests.ledger import Ledger, created
from masthead.ops import testing

pytestmark = pytest.mark.django_db

CHROME_PHONE = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/126 Mobile Safari/537.36"
)


@pytest.fixture(params=["database", "redis"])
def event_store(request, settings, redis_url, redis_prefix):
    if request.param == "redis":
        if not redis_url:
            pytest.skip("REDIS_URL not set: the Redis store runs in the PostgreSQL + Redis pass")
        settings.REDIS_URL = redis_url
    settings.INSIGHTS_EVENT_STORE = request.param
    settings.INSIGHTS_BUFFER_SIZE = 1000  # the buffer is flushed by the sweep, as in the worker
    events.flush_buffer()
    yield request.param
    events.flush_buffer()


@pytest.fixture
def stories():
    testing.rule(audience=Audience.ANONYMOUS, free_limit=3)
    section = testing.section("economy")
    metered = [testing.article(in_section=section) for _ in range(4)]
    free = testing.article(in_section=section, access_level="free")
    return metered, free


def day_counts(kind: str, dimension: str) -> dict[str, int]:
    return dict(
        Rollup.objects.filter(bucket=Bucket.DAY, kind=kind, dimension=dimension).values_list(
            "value", "count"
        )
    )


def test_story_views_roll_up_by_outcome_with_the_prompt_and_where_readers_came_from(
    client, stories, event_store
):
    metered, free = stories
    client.get(
        metered[0].get_absolute_url(),
        HTTP_REFERER="https://www.google.com/",
        HTTP_USER_AGENT=CHROME_PHONE,
    )
    for story in metered[1:]:
        client.get(story.get_absolute_url(), HTTP_REFERER="http://testserver/")
    client.get(free.get_absolute_url())
    client.get(
        "/subscribe/?next=" + metered[3].get_absolute_url(), HTTP_REFERER="http://testserver/"
    )

    services.sweep(now=timezone.now())

    # Three stories from the meter of 3, the fourth behind the prompt, one free story.
    assert day_counts("story_view", "outcome") == {"metered": 3, "blocked": 1, "free": 1}
    assert day_counts("story_view", "all") == {"": 5}
    assert day_counts("prompt", "all") == {"": 1}
    assert day_counts("prompt", "prompt") == {"meter_anonymous": 1}
    assert day_counts("story_view", "referrer") == {"search": 1, "internal": 3, "direct": 1}
    assert day_counts("story_view", "device") == {"phone": 1, "unknown": 4}  # no User-Agent
    # By the meter rule's name (core.testing.rule names it "<audience> <limit>"); the free
    # story met no rule.
    assert day_counts("story_view", "meter_rule") == {"anonymous 3": 4}
    assert day_counts("subscribe_click", "all") == {"": 1}
    assert day_counts("story_view", "story")[str(metered[3].pk)] == 1


def test_the_event_store_holds_a_pseudonym_never_an_email_or_ip(client, stories, event_store):
    metered, _ = stories
    user = testing.reader_account("priya@example.com")
    client.force_login(user)
    client.get(metered[0].get_absolute_url(), REMOTE_ADDR="203.0.113.9")
    services.flush_events()

    event = ReaderEvent.objects.get(kind="story_view")
    assert re.fullmatch(r"[0-9a-f]{16}", event.reader)
    assert event.reader == events.pseudonym(f"u:{user.pk}")
    stored = " ".join(str(v) for v in ReaderEvent.objects.values_list().get())
    assert "priya" not in stored and "203.0.113.9" not in stored and f"u:{user.pk}" not in stored


def test_with_capture_off_nothing_is_recorded_and_the_page_is_unchanged(
    client, stories, settings, event_store
):
    settings.INSIGHTS_CAPTURE = False
    metered, _ = stories
    response = client.get(metered[0].get_absolute_url())
    assert response.status_code == 200 and b"SECRET-THIRD-PARAGRAPH" in response.content
    assert services.flush_events() == 0
    assert ReaderEvent.objects.count() == 0


def test_raw_events_are_pruned_after_the_retention_but_their_rollups_stay(settings):
    settings.INSIGHTS_RAW_RETENTION_DAYS = 35
    now = timezone.now()
    old = now - dt.timedelta(days=40)
    ReaderEvent.objects.create(kind="story_view", occurred_at=old, reader="a" * 16, outcome="free")
    services.roll_up(since=old, until=old + dt.timedelta(hours=1), now=old + dt.timedelta(hours=2))
    assert services.prune(now=now) == 1
    assert ReaderEvent.objects.count() == 0
    # A later sweep over that hour keeps what was rolled up when the events were there.
    services.roll_up(since=old, until=old + dt.timedelta(hours=1), now=now)
    assert Rollup.objects.get(bucket="d", kind="story_view", dimension="outcome").count == 1


def test_rolling_up_the_same_hours_again_changes_nothing():
    now = timezone.now()
    for i in range(3):
        ReaderEvent.objects.create(
            kind="prompt",
            occurred_at=now - dt.timedelta(minutes=i),
            reader="b" * 16,
            prompt="registration",
        )
    services.roll_up(
        since=now - dt.timedelta(hours=1), until=now + dt.timedelta(seconds=1), now=now
    )
    first = sorted(
        Rollup.objects.values_list("bucket", "starts_at", "kind", "dimension", "value", "count")
    )
    services.roll_up(
        since=now - dt.timedelta(hours=1), until=now + dt.timedelta(seconds=1), now=now
    )
    assert (
        sorted(
            Rollup.objects.values_list("bucket", "starts_at", "kind", "dimension", "value", "count")
        )
        == first
    )
    assert ("d", "prompt", "prompt", "registration", 3) in {
        (r[0], r[2], r[3], r[4], r[5]) for r in first
    }


def test_a_first_payment_is_attributed_to_the_last_story_and_the_first_story_of_that_visit(
    client, stories
):
    metered, _ = stories
    # (A free story does not set the reader cookie, so a visit is followed from the first
    # metered story: the browser has no name before it.)
    client.get(
        metered[0].get_absolute_url(), HTTP_REFERER="https://t.co/abc"
    )  # the visit starts here
    client.get(metered[1].get_absolute_url(), HTTP_REFERER="http://testserver/")
    client.get(metered[2].get_absolute_url(), HTTP_REFERER="http://testserver/")
    user = testing.reader_account("new-subscriber@example.com")
    events.registered(request=client.get("/").wsgi_request, user_id=user.pk)
    services.flush_events()

    ledger = Ledger()
    customer = ledger.customer("subscriber")
    customer.user = user
    customer.save()
    now = timezone.now()
    sub = ledger.subscription(customer, "annual", "INR", status="active")
    created(sub, now.isoformat()[:19])
    paid = (now + dt.timedelta(seconds=1)).replace(tzinfo=None).isoformat()
    ledger.invoice(sub, "initial", paid, paid, 270_000, paid_at=paid)

    services.roll_up(since=now - dt.timedelta(hours=1), until=now + dt.timedelta(hours=1), now=now)

    conversion = Conversion.objects.get(subscription_id=sub.pk)
    assert (conversion.last_story_id, conversion.first_story_id) == (metered[2].pk, metered[0].pk)
    assert (conversion.referrer, conversion.section, conversion.plan) == (
        "social",
        "economy",
        "annual",
    )
    assert day_counts("checkout_paid", "story") == {str(metered[2].pk): 1}
    assert day_counts("checkout_paid", "first_story") == {str(metered[0].pk): 1}


@pytest.mark.parametrize(
    ("referer", "query", "expected"),
    [
        ("", "", "direct"),
        ("https://www.google.co.in/search?q=x", "", "search"),
        ("https://duckduckgo.com/", "", "search"),
        ("https://m.facebook.com/", "", "social"),
        ("https://t.co/xyz", "", "social"),
        ("https://news.example.com/a/b", "", "internal"),
        ("https://mail.google.com/", "", "newsletter"),
        ("", "utm_medium=email&utm_source=morning", "newsletter"),
        ("https://elsewhere.org/", "", "other"),
    ],
)
def test_referrer_classes(referer, query, expected):
    assert events.referrer_class(referer=referer, host="news.example.com", query=query) == expected


def test_a_buffer_past_its_age_is_written_when_any_request_ends_not_only_at_the_next_event(
    client, settings
):
    settings.INSIGHTS_EVENT_STORE = "database"
    settings.INSIGHTS_BUFFER_SIZE = 1000
    settings.INSIGHTS_BUFFER_SECONDS = 1
    events.flush_buffer()
    events.record(
        events.Event(kind="story_view", occurred_at=timezone.now(), reader="q" * 16, outcome="free")
    )
    client.get("/admin/login/")  # a request that records nothing, before the limit
    assert not ReaderEvent.objects.filter(reader="q" * 16).exists()  # still in the buffer

    time.sleep(1.1)  # the oldest event is now past INSIGHTS_BUFFER_SECONDS
    assert client.get("/robots.txt").status_code == 200  # and records nothing itself
    assert list(ReaderEvent.objects.values_list("reader", "kind", "outcome")) == [
        ("q" * 16, "story_view", "free")
    ]


# The embedded store always; the Redis store on the pass that has a Redis (as the meter's).
EVENT_STORES = ["database", "redis"] if os.environ.get("REDIS_URL") else ["database"]


@pytest.mark.parametrize("store", EVENT_STORES)
def test_a_buffered_event_reaches_the_table_field_for_field(settings, store):
    """The buffer's own INSERT (no ORM model per event) keeps every field and the instant."""
    settings.INSIGHTS_EVENT_STORE = store
    at = dt.datetime(2026, 11, 30, 18, 45, 12, 345678, tzinfo=dt.UTC)  # 00:15 IST on 1 Dec
    events.flush_buffer()
    kept = [
        events.Event(
            kind="story_view", occurred_at=at, reader="r" * 16, visitor="v" * 16, story_id=7,
            section="economy", outcome="metered", meter_rule="Anonymous", referrer="search",
            device="mobile", reads_used=2,
        ),
        events.Event(kind="prompt", occurred_at=at, reader="r" * 16, prompt="meter_anonymous"),
    ]  # fmt: skip
    for event in kept:
        events.record(event)
    services.flush_events()
    rows = ReaderEvent.objects.filter(reader="r" * 16).order_by("kind")
    assert [(r.kind, r.occurred_at) for r in rows] == [("prompt", at), ("story_view", at)]
    view = rows.get(kind="story_view")
    assert (view.visitor, view.story_id, view.section, view.outcome) == (
        "v" * 16, 7, "economy", "metered",
    )  # fmt: skip
    assert (view.meter_rule, view.referrer, view.device, view.reads_used) == (
        "Anonymous", "search", "mobile", 2,
    )  # fmt: skip
    assert rows.get(kind="prompt").reads_used is None
