"""Search-engine crawlers: full text only for an address that DNS proves belongs to the engine.

A user agent alone proves nothing. The connecting address must reverse-resolve to a host under
the engine's domain, and that host must resolve forward to the same address (Google's and
Bing's documented check). Results are cached; the resolver can be swapped for tests.

The lookups run on the request path, so each is bounded: the system resolver has no timeout of
its own (``gethostbyaddr`` may wait for the resolver's full retry cycle), so it runs on a small
thread pool and the request waits at most ``settings.CRAWLER_DNS_TIMEOUT`` seconds. A lookup
that timed out counts as unverified and is remembered for ``CRAWLER_DNS_FAILURE_SECONDS``, so a
slow DNS server costs one request that wait, not every request.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as LookupTimeout
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)
T = TypeVar("T")

# User-agent token -> the DNS suffixes that engine's crawlers resolve to.
ENGINES: dict[str, tuple[str, ...]] = {
    "googlebot": (".googlebot.com", ".google.com", ".googleusercontent.com"),
    "bingbot": (".search.msn.com",),
}
_CACHE_SECONDS = 60 * 60 * 6


@dataclass
class Resolver:
    reverse: Callable[[str], str]
    forward: Callable[[str], list[str]]


def _system_reverse(ip: str) -> str:
    return socket.gethostbyaddr(ip)[0]


def _system_forward(host: str) -> list[str]:
    infos = socket.getaddrinfo(host, None)
    return [str(info[4][0]) for info in infos]


system_resolver = Resolver(reverse=_system_reverse, forward=_system_forward)
_resolver: Resolver = system_resolver
# A lookup that never answers keeps its thread; a few threads bound what hung lookups can hold.
_lookups = ThreadPoolExecutor(max_workers=4, thread_name_prefix="crawler-dns")


class _TimedOut(Exception):
    pass


def _bounded(lookup: Callable[[str], T], name: str) -> T:
    future = _lookups.submit(lookup, name)
    try:
        return future.result(timeout=settings.CRAWLER_DNS_TIMEOUT)
    except LookupTimeout as exc:
        future.cancel()
        raise _TimedOut(name) from exc


def use_resolver(resolver: Resolver) -> None:
    """Swap the DNS resolver (tests); ``use_resolver(system_resolver)`` restores it."""
    global _resolver  # noqa: PLW0603 - one process-wide seam, set by tests and setup only
    _resolver = resolver


def claimed_engine(user_agent: str) -> str | None:
    agent = user_agent.lower()
    for token in ENGINES:
        if token in agent:
            return token
    return None


def _same_address(a: str, b: str) -> bool:
    try:
        return ipaddress.ip_address(a) == ipaddress.ip_address(b)
    except ValueError:
        return False


def is_verified_crawler(*, ip: str, user_agent: str) -> bool:
    engine = claimed_engine(user_agent)
    if engine is None or not ip:
        return False
    cache_key = f"access:crawler:{engine}:{ip}"
    cached = cache.get(cache_key)
    if cached is not None:
        return bool(cached)
    try:
        verified = _verify(ip=ip, suffixes=ENGINES[engine])
    except _TimedOut as exc:
        logger.warning("Crawler DNS lookup for %s timed out (%s); treated as unverified", ip, exc)
        cache.set(cache_key, False, settings.CRAWLER_DNS_FAILURE_SECONDS)
        return False
    cache.set(cache_key, verified, _CACHE_SECONDS)
    return verified


def _verify(*, ip: str, suffixes: tuple[str, ...]) -> bool:
    try:
        host = _bounded(_resolver.reverse, ip).rstrip(".").lower()
    except (OSError, UnicodeError):
        return False
    if not host.endswith(suffixes):
        return False
    try:
        addresses = _bounded(_resolver.forward, host)
    except (OSError, UnicodeError):
        return False
    return any(_same_address(ip, address) for address in addresses)
