"""An issue as email: the shared part rendered once per issue and access class, the rest per
recipient.

What a recipient sees of each story is the gate's answer for that recipient
(``decide(..., Context(surface=EMAIL, count=False))``): with access, the story in full; without,
its headline, standfirst and a link — never the body. Recipients whose answers are the same for
every story of the issue form an *access class*; each class's bodies (plain text and HTML) are
rendered from the templates once, with holes — the greeting and the unsubscribe link — that are
filled per recipient by joining strings. Holes are marked with tokens made fresh in each process,
so no story or introduction can contain one.

Each class is also serialised once as a complete MIME message with holes for the recipient's
address, Message-ID, greeting and link (``Prebuilt``). Django's SMTP backend re-serialises every
message with the ``email`` package, which costs more than everything else a send does; when the
configured backend is Django's SMTP backend, ``mail.SMTPBackend`` (a subclass of it) sends these
bytes instead. Any other backend (console, locmem, anymail, ...) gets the ordinary
``EmailMultiAlternatives``. A recipient whose values are not plain ASCII (a name in Devanagari,
say) always takes the ordinary path, since the pre-built body may be declared 7-bit.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from html import escape as html_escape
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from masthead.access.gate import Context, Decision, Surface, decide
from masthead.access.identity import Reader
from masthead.newsletters.models import Issue
from masthead.newsletters.tokens import unsubscribe_token
from masthead.newsroom.blocks import clean_inline, plain_text, without_cut
from masthead.newsroom.models import Article

_TOKEN = uuid.uuid4().hex
GREETING = f"mhgreeting{_TOKEN}"
GREETING_HTML = f"mhgreetinghtml{_TOKEN}"
UNSUBSCRIBE = f"mhunsubscribe{_TOKEN}"
UNSUBSCRIBE_HTML = f"mhunsubscribehtml{_TOKEN}"
TO = f"mhto{_TOKEN}@d{_TOKEN[:12]}.invalid"  # a whole address, so Django accepts it
MESSAGE_ID = f"mhmessageid{_TOKEN}"
# Longest first: a token that is a prefix of another must not match inside it.
HOLES = tuple(
    sorted((GREETING, GREETING_HTML, UNSUBSCRIBE, UNSUBSCRIBE_HTML, TO, MESSAGE_ID), key=len)[::-1]
)


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def unsubscribe_url(*, signup_id: int) -> str:
    # reverse() once per process and URL configuration, not once per recipient.
    key = (settings.SITE_URL, settings.ROOT_URLCONF)
    parts = _UNSUBSCRIBE_URL.get(key)
    if parts is None:
        path = reverse("newsletters:unsubscribe", args=["mhtoken"])
        before, after = (settings.SITE_URL + path).split("mhtoken")
        parts = _UNSUBSCRIBE_URL[key] = (before, after)
    return parts[0] + unsubscribe_token(signup_id=signup_id) + parts[1]


_UNSUBSCRIBE_URL: dict[tuple[str, str], tuple[str, str]] = {}


def _split(rendered: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    texts: list[str] = []
    holes: list[str] = []
    rest = rendered
    while True:
        found = [(rest.find(h), h) for h in HOLES if h in rest]
        if not found:
            texts.append(rest)
            return tuple(texts), tuple(holes)
        at, hole = min(found)
        texts.append(rest[:at])
        holes.append(hole)
        rest = rest[at + len(hole) :]


@dataclass(frozen=True, slots=True)
class Body:
    """A text with holes: texts[0], hole, texts[1], hole, ... (holes in ``holes`` order)."""

    texts: tuple[str, ...]
    holes: tuple[str, ...]

    @classmethod
    def split(cls, rendered: str) -> Body:
        texts, holes = _split(rendered)
        return cls(texts=texts, holes=holes)

    def fill(self, values: dict[str, str]) -> str:
        out = [self.texts[0]]
        for hole, text in zip(self.holes, self.texts[1:], strict=True):
            out.append(values[hole])
            out.append(text)
        return "".join(out)


@dataclass(frozen=True, slots=True)
class Prebuilt:
    """A whole MIME message (CRLF line ends) with holes, as bytes."""

    texts: tuple[bytes, ...]
    holes: tuple[str, ...]

    def fill(self, values: dict[str, str]) -> bytes:
        out = [self.texts[0]]
        for hole, text in zip(self.holes, self.texts[1:], strict=True):
            out.append(values[hole].encode("ascii"))
            out.append(text)
        return b"".join(out)


@dataclass(frozen=True, slots=True)
class Rendered:
    text: Body
    html: Body
    prebuilt: Prebuilt | None  # None: this class always takes the ordinary path


class NewsletterEmail(EmailMultiAlternatives):
    """An ordinary email, carrying its own serialised bytes for ``mail.SMTPBackend``."""

    prebuilt: bytes | None = None


@dataclass(frozen=True, slots=True)
class Recipient:
    email: str
    signup_id: int
    user_id: int | None
    first_name: str = ""
    message_id: str = ""  # the part before the @ (see ``message_id_local``)


@dataclass
class IssueRenderer:
    """Renders one issue for many recipients. Not shared between threads."""

    issue: Issue
    stories: list[Article]
    now: dt.datetime
    preview: bool = False
    _classes: dict[tuple[bool, ...], Rendered] = field(default_factory=dict)
    _anonymous: tuple[bool, ...] | None = None

    @classmethod
    def for_issue(cls, *, issue: Issue, now: dt.datetime, preview: bool = False) -> IssueRenderer:
        stories = [
            link.article
            for link in issue.issue_stories.select_related("article__section").order_by(
                "position", "pk"
            )
        ]
        return cls(issue=issue, stories=stories, now=now, preview=preview)

    # --- Who sees what: the gate, per recipient and story ----------------------------------

    def access_class(self, *, reader: Reader) -> tuple[bool, ...]:
        if reader.user_id is None:
            # Every reader without an account gets the same answers: ask once per issue.
            if self._anonymous is None:
                self._anonymous = self._decide_all(reader)
            return self._anonymous
        return self._decide_all(reader)

    def _decide_all(self, reader: Reader) -> tuple[bool, ...]:
        context = Context(surface=Surface.EMAIL, count=False, now=self.now)
        decisions: list[Decision] = [
            decide(reader=reader, article=story, context=context) for story in self.stories
        ]
        return tuple(d.full for d in decisions)

    # --- Rendering -------------------------------------------------------------------------

    def rendered(self, access: tuple[bool, ...]) -> Rendered:
        found = self._classes.get(access)
        if found is None:
            found = self._render(access)
            self._classes[access] = found
        return found

    def _render(self, access: tuple[bool, ...]) -> Rendered:
        site = settings.SITE_URL
        stories: list[dict[str, Any]] = []
        for story, full in zip(self.stories, access, strict=True):
            entry: dict[str, Any] = {
                "headline": story.headline,
                "standfirst": story.standfirst,
                "url": site + story.get_absolute_url(),
                "section": story.section.name,
                "full": full,
                "premium": story.access_level == "premium",
            }
            if full:
                blocks = without_cut(story.body)
                entry["text"] = plain_text(blocks)
                entry["paragraphs"] = [
                    mark_safe(clean_inline(str(b.get("html", ""))))  # cleaned by nh3
                    for b in blocks
                    if b.get("type") == "paragraph"
                ]
            stories.append(entry)
        context = {
            "issue": self.issue,
            "newsletter": self.issue.newsletter,
            "introduction": paragraphs(self.issue.introduction),
            "stories": stories,
            "preferences_url": site + reverse("newsletters:preferences"),
            "publisher_name": settings.PUBLISHER_NAME,
            "site_url": site,
        }
        text = render_to_string(
            "newsletters/emails/issue.txt",
            {**context, "greeting": GREETING, "unsubscribe_url": UNSUBSCRIBE},
        )
        html = render_to_string(
            "newsletters/emails/issue.html",
            {**context, "greeting": GREETING_HTML, "unsubscribe_url": UNSUBSCRIBE_HTML},
        )
        text_body, html_body = Body.split(text), Body.split(html)
        template = self._email(
            text=text,
            html=html,
            to=TO,
            link=UNSUBSCRIBE,
            message_id=MESSAGE_ID,
        )
        raw = template.message().as_bytes(linesep="\r\n")  # type: ignore[call-arg]
        texts, holes = _split(raw.decode("utf-8", errors="surrogateescape"))
        prebuilt: Prebuilt | None = Prebuilt(
            texts=tuple(t.encode("utf-8", errors="surrogateescape") for t in texts), holes=holes
        )
        # Bodies encoded as quoted-printable or base64 would hide the holes: ordinary path.
        expected = {TO, MESSAGE_ID, GREETING, GREETING_HTML, UNSUBSCRIBE, UNSUBSCRIBE_HTML}
        if set(holes) != expected or b"quoted-printable" in raw or b"base64" in raw:
            prebuilt = None
        return Rendered(text=text_body, html=html_body, prebuilt=prebuilt)

    @property
    def from_email(self) -> str:
        return f"{self.issue.newsletter.name} — {settings.PUBLISHER_NAME} <{_from_address()}>"

    def _email(
        self, *, text: str, html: str, to: str, link: str, message_id: str
    ) -> NewsletterEmail:
        newsletter = self.issue.newsletter
        headers = {
            # RFC 8058: a POST to this URL unsubscribes, without signing in.
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"{newsletter.name} <{newsletter.slug}.{_list_domain()}>",
            # Stable per recipient and issue: a copy retried after a crash is the same message.
            "Message-ID": f"<{message_id}@{_list_domain()}>",
        }
        message = NewsletterEmail(
            subject=self.issue.subject,
            body=text,
            from_email=self.from_email,
            to=[to],
            headers=headers,
        )
        message.attach_alternative(html, "text/html")
        return message

    def message(self, *, recipient: Recipient, reader: Reader) -> NewsletterEmail:
        rendered = self.rendered(self.access_class(reader=reader))
        values = _values(recipient)
        message = self._email(
            text=rendered.text.fill(values),
            html=rendered.html.fill(values),
            to=recipient.email,
            link=values[UNSUBSCRIBE],
            message_id=values[MESSAGE_ID],
        )
        if rendered.prebuilt is not None and all(_plain(v) for v in values.values()):
            message.prebuilt = rendered.prebuilt.fill(values)
        return message

    def wire(self, *, recipient: Recipient, reader: Reader) -> bytes | None:
        """The whole message as bytes for the SMTP pipeline (``mail.Pipeline``), or None when
        this recipient takes the ordinary path (``message``): the same bytes ``message`` puts
        in ``prebuilt``, without building the ``EmailMultiAlternatives`` around them."""
        rendered = self.rendered(self.access_class(reader=reader))
        if rendered.prebuilt is None:
            return None
        values = _values(recipient)
        if not _plain("".join(values.values())):
            return None
        return rendered.prebuilt.fill(values)


def _values(recipient: Recipient) -> dict[str, str]:
    """What fills each hole for this recipient, and only from this recipient."""
    link = unsubscribe_url(signup_id=recipient.signup_id)
    name = recipient.first_name.strip()
    greeting = f"Hello {name}," if name else "Hello,"
    return {
        GREETING: greeting,
        # The standard library's escape, which Django's wraps (without its lazy-string layer).
        GREETING_HTML: html_escape(greeting),
        UNSUBSCRIBE: link,
        UNSUBSCRIBE_HTML: html_escape(link),
        TO: recipient.email,
        MESSAGE_ID: recipient.message_id or uuid.uuid4().hex,
    }


def _plain(value: str) -> bool:
    return value.isascii() and "\r" not in value and "\n" not in value


def _from_address() -> str:
    configured: str = settings.NEWSLETTERS_FROM_EMAIL
    return configured


def _list_domain() -> str:
    return _from_address().rsplit("@", 1)[-1].strip(">").strip() or "localhost"


def message_id_local(*, issue_id: int, delivery_id: int) -> str:
    return f"issue-{issue_id}.copy-{delivery_id}"
