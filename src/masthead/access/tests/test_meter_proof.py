"""The meter proof (ADR 0029): a re-read answered from the signed cookie, never trusted further.

Run once per meter store. The stateful test drives browsers and an account on two devices
through months of reading, cookie clearing and replaying old cookies; its oracle is a plain
set of counted stories per reader and month, written from the meter's rule (a story counted in
a window stays open; a new story opens only while fewer than the limit are counted).
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from masthead.access import gate
from masthead.access.gate import Context, Reason, decide
from masthead.access.identity import MeterProof, Reader, ReaderCookie, dump_cookie, load_cookie
from masthead.access.models import Audience
from masthead.access.periods import calendar_month
from masthead.access.stores import MeterStore
from masthead.ops import testing

pytestmark = pytest.mark.django_db

NOV = dt.datetime(2026, 11, 10, 6, 0, tzinfo=dt.UTC)
DEC = dt.datetime(2026, 12, 10, 6, 0, tzinfo=dt.UTC)
ANONYMOUS_LIMIT, REGISTERED_LIMIT = 3, 5  # testing.demo_rules()


class CountingStore:
    """The configured store, counting the calls the gate makes to it."""

    def __init__(self, store: MeterStore) -> None:
        self.store, self.calls = store, 0
        self.name = store.name

    def record_view(self, **kwargs):
        self.calls += 1
        return self.store.record_view(**kwargs)

    def peek(self, **kwargs):
        self.calls += 1
        return self.store.peek(**kwargs)

    def merge(self, **kwargs):
        return self.store.merge(**kwargs)


@pytest.fixture
def counting_store(meter_store_name, monkeypatch):
    spy = CountingStore(gate.meter_store())
    monkeypatch.setattr(gate, "_store", spy)
    return spy


def read(reader: Reader, story, *, now=NOV):
    return decide(reader=reader, article=story, context=Context(now=now))


def meter_note(response) -> str:
    text = response.content.decode()
    start = text.index('class="meter-note"')
    return text[start : text.index("</", start)]


# --- Over HTTP, as a browser carries the cookie ---------------------------------------------


def test_a_reread_is_answered_from_the_cookie_without_asking_the_store(client, counting_store):
    testing.demo_rules()
    story, other = testing.article(), testing.article()
    assert client.get(story.get_absolute_url()).status_code == 200
    assert counting_store.calls == 1  # the first read: the store counts it
    with CaptureQueriesContext(connection) as queries:
        again = client.get(story.get_absolute_url())
    assert again.status_code == 200
    assert testing.PARAGRAPHS[-1] in again.content.decode()  # the whole story
    assert "2 free stories left" in meter_note(again)
    assert counting_store.calls == 1  # ...the re-read did not ask the store
    assert not [q for q in queries.captured_queries if "access_meterview" in q["sql"]]
    # A new story still goes to the store, and the re-read after it shows the new count.
    assert "1 free story left" in meter_note(client.get(other.get_absolute_url()))
    assert counting_store.calls == 2
    assert "1 free story left" in meter_note(client.get(story.get_absolute_url()))
    assert counting_store.calls == 2


def test_a_proof_altered_in_the_cookie_earns_nothing(client, counting_store):
    testing.demo_rules()
    stories = [testing.article() for _ in range(4)]
    for story in stories[:3]:
        client.get(story.get_absolute_url())
    cookie = load_cookie(client.cookies[settings.READER_COOKIE_NAME].value)
    assert cookie.proof is not None and len(cookie.proof.stories) == 3
    # The reader adds the fourth story to the proof and signs it with a key of their own.
    payload = {
        "a": cookie.anonymous_id,
        "m": [cookie.proof.meter_key, cookie.proof.window_starts, 1, [stories[3].pk]],
    }
    client.cookies[settings.READER_COOKIE_NAME] = signing.dumps(
        payload, key="not-the-servers-key", salt="masthead.access.reader"
    )
    page = client.get(stories[3].get_absolute_url()).content.decode()
    assert testing.PARAGRAPHS[0] in page  # the lead, and no more
    assert testing.PARAGRAPHS[-1] not in page
    # The genuine stories are not opened by it either: the browser is spent for the month.
    assert testing.PARAGRAPHS[-1] not in client.get(stories[0].get_absolute_url()).content.decode()


def test_a_proof_for_another_account_opens_nothing(client, counting_store):
    testing.demo_rules()
    stories = [testing.article() for _ in range(REGISTERED_LIMIT + 1)]
    first, second = testing.reader_account(), testing.reader_account()
    client.force_login(second)
    for story in stories[:REGISTERED_LIMIT]:
        assert testing.PARAGRAPHS[-1] in client.get(story.get_absolute_url()).content.decode()
    # A genuine cookie (the server signed it) whose proof is the first account's, listing the
    # one story the second account has not read: it must not open it for the second.
    anonymous_id = load_cookie(client.cookies[settings.READER_COOKIE_NAME].value).anonymous_id
    registered = next(r for r in gate.meter_rules() if r.audience == Audience.REGISTERED)
    window = gate.window_for(registered, now=dt.datetime.now(dt.UTC))
    starts = int(window.starts.timestamp())
    proof = MeterProof(
        meter_key=f"u:{first.pk}", window_starts=starts, read=1, stories=(stories[-1].pk,)
    )
    client.cookies[settings.READER_COOKIE_NAME] = dump_cookie(
        ReaderCookie(anonymous_id, second.pk, None, proof)
    )
    calls = counting_store.calls
    page = client.get(stories[-1].get_absolute_url()).content.decode()
    assert testing.PARAGRAPHS[0] in page
    assert testing.PARAGRAPHS[-1] not in page
    assert counting_store.calls == calls + 1  # the store was asked, and it said no


def test_after_signing_in_and_out_the_note_counts_what_the_account_read(client, counting_store):
    """The browser reads 2; the account had read 3 on another device. Signing in (a look at the
    home page) carries the 2 into the account, signing out carries all 5 back: 5 counted of 3,
    so the re-read is the last free story, never "1 left" from the browser's old proof."""
    testing.demo_rules()
    mine, theirs = [testing.article() for _ in range(2)], [testing.article() for _ in range(3)]
    account = testing.reader_account()
    for story in theirs:  # on the reader's other device
        assert read(
            Reader(user_id=account.pk, anonymous_id=None), story, now=dt.datetime.now(dt.UTC)
        ).full
    for story in mine:
        client.get(story.get_absolute_url())
    assert "1 free story left" in meter_note(client.get(mine[0].get_absolute_url()))
    client.force_login(account)
    assert client.get("/").status_code == 200  # signed in: the browser's 2 join the account
    kept = client.cookies[settings.READER_COOKIE_NAME].value
    client.logout()  # a browser keeps the reader cookie when the session ends
    client.cookies[settings.READER_COOKIE_NAME] = kept
    again = client.get(mine[0].get_absolute_url())
    assert testing.PARAGRAPHS[-1] in again.content.decode()  # counted: still open
    assert "This is your last free story" in meter_note(again)
    assert "1 free story left" not in again.content.decode()


# --- At the gate: months, replays ------------------------------------------------------------


def test_last_months_proof_opens_nothing_this_month(counting_store):
    testing.demo_rules()
    reader = Reader(user_id=None, anonymous_id=uuid.uuid4().hex)
    november = [testing.article() for _ in range(ANONYMOUS_LIMIT)]
    for story in november:
        assert read(reader, story, now=NOV).full
    old_proof = reader.proof
    for _ in range(ANONYMOUS_LIMIT):
        assert read(reader, testing.article(), now=DEC).full
    reader.proof = old_proof  # the browser sends November's cookie again
    refused = read(reader, november[0], now=DEC)
    assert not refused.full
    assert refused.reason in {Reason.METER_USED_UP, Reason.REGISTRATION_REQUIRED}


def test_a_replayed_older_proof_opens_only_what_it_listed(counting_store):
    testing.demo_rules()
    reader = Reader(user_id=None, anonymous_id=uuid.uuid4().hex)
    a, b, c, d = (testing.article() for _ in range(4))
    assert read(reader, a).full
    early = reader.proof
    assert read(reader, b).full and read(reader, c).full
    reader.proof = early
    assert not read(reader, d).full  # the store knows three are counted
    reader.proof = early
    assert read(reader, a).full  # what the old proof listed is still counted
    reader.proof = early
    assert read(reader, c).full  # ...and what it did not is asked of the store, which says yes


def test_with_the_store_down_a_story_the_proof_lists_still_opens_and_no_other(settings):
    """ADR 0029: the store counted it, so an outage under policy "deny" does not take it back;
    a story the proof does not list follows the policy."""
    from masthead.access.gate import reset_meter_store

    testing.demo_rules()
    reader = Reader(user_id=None, anonymous_id=uuid.uuid4().hex)
    counted, other = testing.article(), testing.article()
    assert read(reader, counted).full  # the database store counts it and writes the proof
    settings.METER_STORE = "redis"
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.METER_UNAVAILABLE_POLICY = "deny"
    reset_meter_store()
    assert read(reader, counted).reason == Reason.UNDER_METER
    refused = read(reader, other)
    assert (refused.full, refused.reason) == (False, Reason.METER_UNAVAILABLE)


def test_the_proof_keeps_the_newest_32_stories_and_the_cookie_stays_under_a_kilobyte(settings):
    """ADR 0029: a limit of 40 a month; the cookie holds the newest 32 stories, and a
    story beyond them is still opened by asking the store."""
    testing.rule(audience=Audience.ANONYMOUS, free_limit=40, position=10)
    reader = Reader(user_id=None, anonymous_id=uuid.uuid4().hex)
    stories = [testing.article() for _ in range(40)]
    for story in stories:
        assert read(reader, story).full
    assert reader.proof is not None
    assert reader.proof.stories == tuple(s.pk for s in stories[8:])
    assert reader.proof.read == 40
    value = dump_cookie(ReaderCookie(reader.anonymous_id, None, None, reader.proof))
    assert len(f"{settings.READER_COOKIE_NAME}={value}") < 1024
    assert read(reader, stories[0]).full  # not listed: the store is asked, and says yes


# --- The stateful property: any life of readers, on both stores ------------------------------


@dataclass
class Browser:
    """One browser's cookie: the reader id (anonymous) and the proof it carries."""

    anonymous_id: str
    user_id: int | None = None
    proof: MeterProof | None = None
    kept: list[MeterProof | None] = field(default_factory=list)  # cookies it could replay
    replayed: bool = False  # it sent an older cookie than the newest it was given


class MeterLife(RuleBasedStateMachine):
    """Two anonymous browsers and one account on two devices, across two months."""

    STORIES = 7

    def __init__(self) -> None:
        super().__init__()
        self.stories = [testing.article() for _ in range(self.STORIES)]
        self.user_id = testing.reader_account().pk
        self.browsers = [Browser(uuid.uuid4().hex) for _ in range(2)] + [
            Browser(uuid.uuid4().hex, user_id=self.user_id) for _ in range(2)
        ]
        self.now = NOV
        # The oracle: (meter key, month) -> the stories the meter has counted.
        self.counted: dict[tuple[str, str], set[int]] = {}

    @initialize()
    def fresh_rules(self) -> None:
        testing.forget_cached_rules()

    def _key(self, browser: Browser) -> str:
        return f"u:{browser.user_id}" if browser.user_id else f"a:{browser.anonymous_id}"

    @rule(which=st.integers(0, 3), story=st.integers(0, STORIES - 1))
    def read_a_story(self, which: int, story: int) -> None:
        browser = self.browsers[which]
        reader = Reader(
            user_id=browser.user_id, anonymous_id=browser.anonymous_id, proof=browser.proof
        )
        article = self.stories[story]
        decision = read(reader, article, now=self.now)
        if reader.proof_changed:  # the middleware writes the new cookie
            browser.kept.append(browser.proof)
            browser.proof, browser.replayed = reader.proof, False
        limit = REGISTERED_LIMIT if browser.user_id else ANONYMOUS_LIMIT
        counted = self.counted.setdefault((self._key(browser), self.now.strftime("%Y-%m")), set())
        if article.pk in counted:
            assert decision.full, "a story counted this month must stay open"
        elif len(counted) < limit:
            assert decision.full, "a new story must open while the meter has room"
            counted.add(article.pk)
        else:
            assert not decision.full, "a new story must not open once the meter is used up"
        if decision.full:
            # The note never says more is left than there is (a second device's cookie may lag
            # behind the account, so it may say less has been read, never more).
            assert decision.read is not None and decision.read <= len(counted)
            if browser.user_id is None and not browser.replayed:  # its newest cookie: exact
                assert decision.remaining == limit - len(counted)

    @rule(which=st.integers(0, 3))
    def clear_cookies(self, which: int) -> None:
        browser = self.browsers[which]
        browser.proof, browser.kept = None, []
        if browser.user_id is None:  # an anonymous reader without a cookie is a new reader
            browser.anonymous_id = uuid.uuid4().hex

    @rule(which=st.integers(0, 3), pick=st.integers(0, 20))
    def replay_an_old_cookie(self, which: int, pick: int) -> None:
        browser = self.browsers[which]
        if browser.kept:
            browser.proof = browser.kept[pick % len(browser.kept)]
            browser.replayed = True

    @rule()
    def next_month(self) -> None:
        if self.now == NOV:
            self.now = DEC

    @invariant()
    def the_store_counted_what_the_oracle_did(self) -> None:
        month = self.now.strftime("%Y-%m")
        window = calendar_month(now=self.now, tz=ZoneInfo(settings.TIME_ZONE))
        for (key, counted_in), stories in self.counted.items():
            if counted_in == month:
                _, counted = gate.meter_store().peek(reader_key=key, article_id=0, window=window)
                assert counted == len(stories)


@pytest.mark.django_db(transaction=True)
def test_the_meter_holds_over_random_reader_lives(meter_store_name):
    testing.demo_rules()
    MeterLife.TestCase.settings = hypothesis_settings(
        max_examples=int(os.environ.get("MASTHEAD_METER_EXAMPLES", "25")),
        stateful_step_count=30,
        derandomize=True,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )
    MeterLife.TestCase().runTest()
