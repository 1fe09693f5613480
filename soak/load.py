"""The load generator: a bounded asyncio client speaking plain HTTP/1.1 to nginx.

Requests start at a steady rate (open loop: the schedule does not wait for answers), at most
``concurrency`` in flight; each is recorded with its kind, start time, status (0: no answer),
latency, and for story reads who read what and whether the whole story came back.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import random
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

FULL_STORY_MARKER = b"SECRET-THIRD-PARAGRAPH"  # masthead.ops.testing.PARAGRAPHS, past the cut
SANDBOX_WEBHOOK_SECRET = "sandbox-webhook-secret"  # noqa: S105 - the development default (settings.py)
TIMEOUT = 30.0
READER_COOKIE = "mh_reader"  # settings.READER_COOKIE_NAME


def anonymous_meter_key(cookie: str) -> str | None:
    """The meter key ("a:<id>") a browser's reader cookie stands for. The cookie is signed, not
    encrypted (django.core.signing: base64 JSON, then timestamp and signature), so the load
    generator reads the id the server counts this browser under without holding the key."""
    try:
        payload = cookie.strip('"').split(":", 1)[0]
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return f"a:{data['a']}" if isinstance(data.get("a"), str) else None
    except (ValueError, KeyError, AttributeError, TypeError):
        return None


@dataclass
class Record:
    kind: str
    started: float  # seconds since the run began
    status: int
    latency: float
    reader: str = ""  # the meter key: "u:<user id>", "a:<browser's anonymous id>"
    story: int = 0
    full: bool | None = None
    error: str = ""


@dataclass
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def cookies(self) -> dict[str, str]:
        found = {}
        for name, value in self.headers:
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                if "=" in pair:
                    key, val = pair.split("=", 1)
                    found[key.strip()] = val.strip()
        return found


def _dechunk(body: bytes) -> bytes:
    out, rest = bytearray(), body
    while rest:
        line, _, rest = rest.partition(b"\r\n")
        size = int(line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out += rest[:size]
        rest = rest[size + 2 :]
    return bytes(out)


async def http(
    port: int, method: str, path: str, *, headers: dict[str, str] | None = None,
    body: bytes = b"",
) -> Answer:  # fmt: skip
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await writer.drain()
        raw = await reader.read(-1)
    finally:
        writer.close()
    head, _, content = raw.partition(b"\r\n\r\n")
    head_lines = head.decode("latin-1").split("\r\n")
    if not head_lines or len(head_lines[0].split()) < 2:
        raise ConnectionError("no HTTP answer")
    status = int(head_lines[0].split()[1])
    parsed = [
        (name.strip(), value.strip())
        for name, _, value in (line.partition(":") for line in head_lines[1:])
    ]
    if any(n.lower() == "transfer-encoding" and "chunked" in v for n, v in parsed):
        content = _dechunk(content)
    return Answer(status=status, headers=parsed, body=content)


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "fields": {}})
        elif not self.forms:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in {"checkbox", "radio"} and "checked" not in a:
                self.forms[-1]["fields"].setdefault(a["name"], None)
                return
            if kind != "submit":
                self.forms[-1]["fields"][a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select:
            fields = self.forms[-1]["fields"]
            if fields.get(self._select) is None or "selected" in a:
                fields[self._select] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self.forms[-1]["fields"][a["name"]] = "soak"

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def form(html: bytes, action_has: str) -> tuple[str, dict[str, str]] | None:
    parser = _Forms()
    parser.feed(html.decode("utf-8", "replace"))
    for found in parser.forms:
        if action_has in found["action"]:
            fields = {k: v for k, v in found["fields"].items() if v is not None}
            return found["action"], fields
    return None


def own_form(html: bytes) -> tuple[str, dict[str, str]] | None:
    """The first POST form that posts to its own page (no action) with a CSRF token."""
    parser = _Forms()
    parser.feed(html.decode("utf-8", "replace"))
    for found in parser.forms:
        if not found["action"] and "csrfmiddlewaretoken" in found["fields"]:
            return "", {k: v for k, v in found["fields"].items() if v is not None}
    return None


def encode(fields: dict[str, str]) -> bytes:
    from urllib.parse import urlencode

    return urlencode(fields).encode()


@dataclass
class Visitor:
    name: str
    cookies: dict[str, str] = field(default_factory=dict)
    user_id: int | None = None
    subscribed: bool = False
    busy: bool = False

    def meter_key(self) -> str:
        if self.user_id is not None:
            return f"u:{self.user_id}"
        found = anonymous_meter_key(self.cookies.get(READER_COOKIE, ""))
        return found or self.name  # no cookie yet: a browser the server has not counted

    def headers(self, **extra: str) -> dict[str, str]:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {**({"Cookie": cookie} if cookie else {}), **extra}


class Traffic:
    """The mix. Each kind is a coroutine that makes one or two requests and records them."""

    MIX: tuple[tuple[str, int], ...] = (
        ("anonymous read", 40),
        ("registered read", 16),
        ("subscriber read", 12),
        ("front page", 8),
        ("checkout", 3),
        ("plan change", 3),
        ("cancel and undo", 3),
        ("pay now", 3),
        ("webhook", 8),
        ("health", 4),
    )

    def __init__(self, *, port: int, seed: dict[str, Any], started: float,
                 anonymous: int = 300) -> None:  # fmt: skip
        self.port = port
        self.started = started
        self.records: list[Record] = []
        # Actions that found no free visitor in their pool (the pools are sized to avoid it).
        self.skipped: Counter[str] = Counter()
        self.stories = seed["stories"]
        self.metered = [s for s in self.stories if s["access"] == "metered"]
        self.premium = [s for s in self.stories if s["access"] == "premium"]
        self.anonymous: list[Visitor] = []
        self.registered: list[Visitor] = []
        self.subscribers: list[Visitor] = []
        self.add_anonymous(anonymous)
        self.add_registered(seed["registered"])
        self.add_subscribers(seed["subscribers"])
        self.payments = seed["payments"]
        self.kinds = [k for k, _ in self.MIX]
        self.weights = [w for _, w in self.MIX]
        self.random = random.Random(16)  # noqa: S311 - a traffic mix, not a secret

    def add_anonymous(self, count: int) -> None:
        start = len(self.anonymous)
        self.anonymous += [Visitor(f"anon{i}") for i in range(start, start + count)]

    def add_registered(self, readers: list[dict[str, Any]]) -> None:
        self.registered += [
            Visitor(f"u{r['user_id']}", {"sessionid": r["session"]}, r["user_id"]) for r in readers
        ]

    def add_subscribers(self, readers: list[dict[str, Any]]) -> None:
        self.subscribers += [
            Visitor(f"u{r['user_id']}", {"sessionid": r["session"]}, r["user_id"], True)
            for r in readers
        ]

    def unsubscribed(self) -> list[Visitor]:
        return [v for v in self.registered if not v.subscribed]

    async def one(
        self, kind: str, method: str, path: str, visitor: Visitor | None = None, *,
        body: bytes = b"", headers: dict[str, str] | None = None, story: int = 0,
    ) -> Answer | None:  # fmt: skip
        t0 = time.monotonic()
        sent = {**(visitor.headers() if visitor else {}), **(headers or {})}
        if body and "Content-Type" not in sent:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        record = Record(kind=kind, started=t0 - self.started, status=0, latency=0.0)
        answer = None
        try:
            answer = await asyncio.wait_for(
                http(self.port, method, path, headers=sent, body=body), TIMEOUT
            )
            record.status = answer.status
            if visitor is not None:
                visitor.cookies.update(answer.cookies())
        except (OSError, TimeoutError, ConnectionError, ValueError) as exc:
            record.error = type(exc).__name__
        record.latency = time.monotonic() - t0
        if story and answer is not None and visitor is not None:
            record.reader, record.story = visitor.meter_key(), story
            record.full = FULL_STORY_MARKER in answer.body
        self.records.append(record)
        return answer

    def pick(self, visitors: list[Visitor], kind: str) -> Visitor | None:
        free = [v for v in self.random.sample(visitors, min(8, len(visitors))) if not v.busy]
        if not free:
            self.skipped[kind] += 1
        return free[0] if free else None

    async def run_kind(self, kind: str) -> None:
        actions: dict[str, Callable[[], Awaitable[None]]] = {
            "anonymous read": self.anonymous_read,
            "registered read": self.registered_read,
            "subscriber read": self.subscriber_read,
            "front page": self.front_page,
            "checkout": self.checkout,
            "plan change": self.plan_change,
            "cancel and undo": self.cancel_and_undo,
            "pay now": self.pay_now,
            "webhook": self.webhook,
            "health": self.health,
        }
        await actions[kind]()

    async def _read(
        self, kind: str, visitors: list[Visitor], stories: list[dict[str, Any]]
    ) -> None:
        visitor = self.pick(visitors, kind)
        if visitor is None:
            return
        visitor.busy = True
        try:
            story = self.random.choice(stories)
            await self.one(kind, "GET", story["url"], visitor, story=story["id"])
        finally:
            visitor.busy = False

    async def anonymous_read(self) -> None:
        await self._read("anonymous read", self.anonymous, self.metered)

    async def registered_read(self) -> None:
        await self._read("registered read", self.unsubscribed(), self.metered)

    async def subscriber_read(self) -> None:
        await self._read("subscriber read", self.subscribers, self.premium)

    async def front_page(self) -> None:
        await self.one("front page", "GET", "/")

    async def health(self) -> None:
        # /healthz: the process answers. (/readyz answers 503 while Redis is down, by design.)
        await self.one("health", "GET", "/healthz")

    async def _post_form(self, kind: str, visitor: Visitor, page: str, action_has: str,
                         overrides: dict[str, str]) -> None:  # fmt: skip
        got = await self.one(f"{kind} (form)", "GET", page, visitor)
        if got is None or got.status != 200:
            return
        # A form posting to itself has no action: the page's own address is its action.
        found = form(got.body, action_has) or (form(got.body, "") if action_has in page else None)
        if found is None:
            if not action_has.startswith("/"):
                return
            # No button on the page (pay now with nothing owed, say): the request a stale tab
            # would still send, with the page's CSRF token; the answer must not be a 5xx.
            token = own_form(got.body) or form(got.body, "/")
            found = (
                action_has,
                {"csrfmiddlewaretoken": token[1].get("csrfmiddlewaretoken", "")} if token else {},
            )
        action, fields = found
        fields.update(overrides)
        await self.one(kind, "POST", action or page, visitor, body=encode(fields),
                       headers={"Referer": f"http://127.0.0.1:{self.port}{page}"})  # fmt: skip

    async def checkout(self) -> None:
        visitor = self.pick(self.unsubscribed(), "checkout")
        if visitor is None:
            return
        visitor.busy = True
        try:
            page = "/subscribe/checkout/smart-quarterly/"
            await self._post_form("checkout", visitor, page, "checkout",
                                  {"card_number": "4242 4242 4242 4242", "name": "Soak Reader"})  # fmt: skip
            visitor.subscribed = True  # no longer metered either way: the verdict leaves it out
        finally:
            visitor.busy = False

    async def plan_change(self) -> None:
        visitor = self.pick(self.subscribers, "plan change")
        if visitor is None:
            return
        visitor.busy = True
        try:
            plan = self.random.choice(["super-saver", "smart-quarterly", "smart-essential"])
            await self._post_form("plan change", visitor, f"/subscribe/my/change/?plan={plan}",
                                  "change", {"plan": plan})  # fmt: skip
        finally:
            visitor.busy = False

    async def cancel_and_undo(self) -> None:
        visitor = self.pick(self.subscribers, "cancel and undo")
        if visitor is None:
            return
        visitor.busy = True
        try:
            # Cancelling is a confirmation page of its own (what ends and when, a reason).
            await self._post_form("cancel", visitor, "/subscribe/my/cancel/", "cancel", {})
            await self._post_form("undo cancel", visitor, "/subscribe/my/", "undo", {})
        finally:
            visitor.busy = False

    async def pay_now(self) -> None:
        visitor = self.pick(self.subscribers, "pay now")
        if visitor is None:
            return
        visitor.busy = True
        try:
            await self._post_form("pay now", visitor, "/subscribe/my/", "/subscribe/my/pay/", {})
        finally:
            visitor.busy = False

    async def webhook(self) -> None:
        if not self.payments:
            return
        payment = self.random.choice(self.payments)
        events = []
        for _ in range(2):
            events.append(json.dumps({
                "id": f"evt_soak_{uuid.uuid4().hex[:12]}", "type": f"payment.{payment['status']}",
                "object_id": payment["payment_id"], "data": {"idempotency_key": payment["key"]},
            }).encode())  # fmt: skip
        # The second event first (out of order), then the first twice (a duplicate delivery).
        for body in (events[1], events[0], events[0]):
            signature = hmac.new(SANDBOX_WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
            await self.one("webhook", "POST", "/subscribe/webhooks/sandbox/", body=body,
                           headers={"Content-Type": "application/json",
                                    "X-Sandbox-Signature": signature})  # fmt: skip


async def drive(
    traffic: Traffic, *, rate: float, seconds: float, concurrency: int,
    stop: asyncio.Event | None = None,
) -> int:  # fmt: skip
    """Start ``rate`` actions a second for ``seconds``, at most ``concurrency`` at once; the
    number started (short of ``rate × seconds`` when the answers come too slowly to keep
    ``concurrency`` enough, or the generator itself cannot keep the pace)."""
    limit = asyncio.Semaphore(concurrency)
    tasks: set[asyncio.Task[None]] = set()
    begin = time.monotonic()
    n = 0

    async def guarded(kind: str) -> None:
        try:
            await traffic.run_kind(kind)
        finally:
            limit.release()

    while time.monotonic() - begin < seconds and not (stop and stop.is_set()):
        n += 1
        due = begin + n / rate
        wait = due - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        await limit.acquire()
        kind = traffic.random.choices(traffic.kinds, traffic.weights)[0]
        task = asyncio.create_task(guarded(kind))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    if tasks:
        await asyncio.wait(tasks, timeout=TIMEOUT + 5)
    return n
