"""An issue as email: the shared part rendered once per issue and access class, the rest per
recipient.

What a recipient sees of each story is the gate's answer for that recipient
(``decide(..., Context(surface=EMAIL, count=False))``): with access, the story in full; without,
its headline, standfirst and a link — never the body. Recipients whose answers are the same for
every story of the issue form an *access class*; each class's bodies (plain text and HTML) are
rendered from the templates once, with two holes — the greeting and the unsubscribe link — that
are filled per recipient by joining strings. Holes are marked with a token made fresh in each
process, so no story or introduction can contain one.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from email.utils import make_msgid
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from masthead.access.gate import Context, Decision, Surface, decide
from masthead.access.identity import Reader
from masthead.newsletters.models import Issue
from masthead.newsletters.tokens import unsubscribe_token
from masthead.newsroom.blocks import clean_inline, plain_text, without_cut
from masthead.newsroom.models import Article

_TOKEN = uuid.uuid4().hex
GREETING = f"\x00greeting-{_TOKEN}\x00"
UNSUBSCRIBE = f"\x00unsubscribe-{_TOKEN}\x00"
HOLES = (GREETING, UNSUBSCRIBE)


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def unsubscribe_url(*, signup_id: int) -> str:
    path = reverse("newsletters:unsubscribe", args=[unsubscribe_token(signup_id=signup_id)])
    return settings.SITE_URL + path


@dataclass(frozen=True, slots=True)
class Body:
    """A body with holes: texts[0], hole, texts[1], hole, ... (holes in ``holes`` order)."""

    texts: tuple[str, ...]
    holes: tuple[str, ...]

    @classmethod
    def split(cls, rendered: str) -> Body:
        texts: list[str] = []
        holes: list[str] = []
        rest = rendered
        while True:
            found = [(rest.find(h), h) for h in HOLES if h in rest]
            if not found:
                texts.append(rest)
                return cls(texts=tuple(texts), holes=tuple(holes))
            at, hole = min(found)
            texts.append(rest[:at])
            holes.append(hole)
            rest = rest[at + len(hole) :]

    def fill(self, values: dict[str, str]) -> str:
        out = [self.texts[0]]
        for hole, text in zip(self.holes, self.texts[1:], strict=True):
            out.append(values[hole])
            out.append(text)
        return "".join(out)


@dataclass(frozen=True, slots=True)
class Rendered:
    text: Body
    html: Body


@dataclass(frozen=True, slots=True)
class Recipient:
    email: str
    signup_id: int
    user_id: int | None
    first_name: str = ""
    message_id: str = ""


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
                "gated": story.access_level != "free",
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
            "greeting": GREETING,
            "unsubscribe_url": UNSUBSCRIBE,
            "preferences_url": site + reverse("newsletters:preferences"),
            "publisher_name": settings.PUBLISHER_NAME,
            "site_url": site,
        }
        text = render_to_string("newsletters/emails/issue.txt", context)
        html = render_to_string("newsletters/emails/issue.html", context)
        return Rendered(text=Body.split(text), html=Body.split(html))

    def message(self, *, recipient: Recipient, reader: Reader) -> EmailMultiAlternatives:
        rendered = self.rendered(self.access_class(reader=reader))
        link = unsubscribe_url(signup_id=recipient.signup_id)
        name = recipient.first_name.strip()
        greeting = f"Hello {name}," if name else "Hello,"
        text = rendered.text.fill({GREETING: greeting, UNSUBSCRIBE: link})
        html = rendered.html.fill({GREETING: escape(greeting), UNSUBSCRIBE: escape(link)})
        newsletter = self.issue.newsletter
        headers = {
            # RFC 8058: a POST to this URL unsubscribes, without signing in.
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"{newsletter.name} <{newsletter.slug}.{_list_domain()}>",
            # Stable per recipient and issue: a copy retried after a crash is the same message.
            "Message-ID": recipient.message_id or make_msgid(domain=_list_domain()),
        }
        message = EmailMultiAlternatives(
            subject=self.issue.subject,
            body=text,
            from_email=f"{newsletter.name} — {settings.PUBLISHER_NAME} <{_from_address()}>",
            to=[recipient.email],
            headers=headers,
        )
        message.attach_alternative(html, "text/html")
        return message


def _from_address() -> str:
    configured: str = settings.NEWSLETTERS_FROM_EMAIL
    return configured


def _list_domain() -> str:
    return _from_address().rsplit("@", 1)[-1].strip(">").strip() or "localhost"


def message_id(*, issue_id: int, delivery_id: int) -> str:
    return f"<issue-{issue_id}.copy-{delivery_id}@{_list_domain()}>"
