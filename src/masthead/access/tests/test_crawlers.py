"""Search engines get the full story only when DNS proves who they are."""

from __future__ import annotations

import threading
import time

import pytest

from masthead.access import crawlers
from masthead.access.demo import load as load_demo_paywall
from masthead.billing.demo import load as load_demo_plans
from masthead.ops import testing

pytestmark = pytest.mark.django_db

GOOGLEBOT_UA = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
BINGBOT_UA = "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"


class FakeDNS:
    """Stands in for the internet's DNS, which these machines cannot reach."""

    def __init__(self, ptr: dict[str, str], a: dict[str, list[str]]) -> None:
        self.ptr, self.a, self.lookups = ptr, a, 0

    def reverse(self, ip: str) -> str:
        self.lookups += 1
        if ip not in self.ptr:
            raise OSError("no PTR record")
        return self.ptr[ip]

    def forward(self, host: str) -> list[str]:
        if host not in self.a:
            raise OSError("NXDOMAIN")
        return self.a[host]


@pytest.fixture
def dns():
    fake = FakeDNS(
        ptr={
            "66.249.66.1": "crawl-66-249-66-1.googlebot.com",
            "157.55.39.1": "msnbot-157-55-39-1.search.msn.com",
            "203.0.113.9": "crawl-66-249-66-1.googlebot.com.evil.example",
            "198.51.100.7": "crawl-66-249-66-1.googlebot.com",  # lies: forward says otherwise
        },
        a={
            "crawl-66-249-66-1.googlebot.com": ["66.249.66.1"],
            "msnbot-157-55-39-1.search.msn.com": ["157.55.39.1"],
        },
    )
    crawlers.use_resolver(crawlers.Resolver(reverse=fake.reverse, forward=fake.forward))
    yield fake
    crawlers.use_resolver(crawlers.system_resolver)


@pytest.fixture
def gated_story(meter_store_name):
    load_demo_paywall()
    load_demo_plans()
    testing.rule(free_limit=0, position=1)
    return testing.article()


def fetch(client, story, *, ip, ua):
    return client.get(story.get_absolute_url(), REMOTE_ADDR=ip, HTTP_USER_AGENT=ua).content.decode()


def test_a_verified_googlebot_gets_the_full_story_marked_as_paywalled(client, dns, gated_story):
    page = fetch(client, gated_story, ip="66.249.66.1", ua=GOOGLEBOT_UA)
    assert "SECRET-FIFTH-PARAGRAPH" in page
    assert '<div class="paywall">' in page
    assert '"isAccessibleForFree": false' in page


def test_a_verified_bingbot_gets_the_full_story(client, dns, gated_story):
    assert "SECRET-FIFTH" in fetch(client, gated_story, ip="157.55.39.1", ua=BINGBOT_UA)


@pytest.mark.parametrize(
    "ip",
    [
        "10.1.2.3",  # no reverse record
        "203.0.113.9",  # reverse name only looks like Google's
        "198.51.100.7",  # reverse claims Google, forward does not confirm
    ],
)
def test_the_user_agent_alone_proves_nothing(client, dns, gated_story, ip):
    page = fetch(client, gated_story, ip=ip, ua=GOOGLEBOT_UA)
    assert "SECRET-FIFTH" not in page
    assert "You’ve reached your limit" in page


def test_dns_answers_are_cached(client, dns, gated_story):
    for _ in range(3):
        fetch(client, gated_story, ip="66.249.66.1", ua=GOOGLEBOT_UA)
    assert dns.lookups == 1


def test_a_forwarded_for_header_from_an_untrusted_client_is_ignored(client, dns, gated_story):
    page = client.get(
        gated_story.get_absolute_url(),
        REMOTE_ADDR="192.0.2.50",
        HTTP_X_FORWARDED_FOR="66.249.66.1",
        HTTP_USER_AGENT=GOOGLEBOT_UA,
    ).content.decode()
    assert "SECRET-FIFTH" not in page


def test_behind_a_trusted_proxy_the_client_address_comes_from_the_proxy(
    client, dns, gated_story, settings
):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    page = client.get(
        gated_story.get_absolute_url(),
        REMOTE_ADDR="10.0.0.2",
        # A client-supplied fake at the left is skipped: the proxy appended the real address.
        HTTP_X_FORWARDED_FOR="192.0.2.1, 66.249.66.1",
        HTTP_USER_AGENT=GOOGLEBOT_UA,
    ).content.decode()
    assert "SECRET-FIFTH" in page
    spoofed = client.get(
        gated_story.get_absolute_url(),
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="66.249.66.1, 192.0.2.1",
        HTTP_USER_AGENT=GOOGLEBOT_UA,
    ).content.decode()
    assert "SECRET-FIFTH" not in spoofed


class HangingDNS(FakeDNS):
    """A DNS server that never answers: the reverse lookup waits until the test ends."""

    def __init__(self) -> None:
        super().__init__(ptr={}, a={})
        self.release = threading.Event()

    def reverse(self, ip: str) -> str:
        self.lookups += 1
        self.release.wait(30)
        raise OSError("no answer")


@pytest.fixture
def hanging_dns():
    fake = HangingDNS()
    crawlers.use_resolver(crawlers.Resolver(reverse=fake.reverse, forward=fake.forward))
    yield fake
    fake.release.set()
    crawlers.use_resolver(crawlers.system_resolver)


def test_a_dns_server_that_never_answers_holds_a_story_only_as_long_as_the_timeout(
    client, hanging_dns, gated_story, settings
):
    settings.CRAWLER_DNS_TIMEOUT = 0.5

    started = time.monotonic()
    page = fetch(client, gated_story, ip="66.249.66.1", ua=GOOGLEBOT_UA)
    first_wait = time.monotonic() - started
    started = time.monotonic()
    again = fetch(client, gated_story, ip="66.249.66.1", ua=GOOGLEBOT_UA)
    second_wait = time.monotonic() - started

    # Unverified, so the meter's prompt; the lookup was asked once and its failure remembered.
    assert "You’ve reached your limit" in page
    assert "SECRET-FIFTH" not in page
    assert "You’ve reached your limit" in again
    assert first_wait < 3
    assert second_wait < 0.5
    assert hanging_dns.lookups == 1
