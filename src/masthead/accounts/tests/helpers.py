"""Helpers for the accounts tests: addresses, links in emails, page comparison, a label audit."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from django.contrib.messages import get_messages

READER_EMAIL = "reader@example.com"
READER_PASSWORD = "ink-and-newsprint-42"
NEW_PASSWORD = "a-fresh-broadsheet-77"
STORY = "/world/2025/06/monsoon-arrives-early/"
OFF_SITE = "https://evil.example/"

URL_RE = re.compile(r"https?://testserver(/\S+)")


def link_in(message: Any) -> str:
    """The one site link in an email, as a path the test client can open."""
    paths = URL_RE.findall(message.body)
    assert len(paths) == 1, message.body
    return str(paths[0])


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def page_text(response: Any, *, typed: str = "") -> str:
    """The page with what may differ between two requests blanked out: the CSRF token (new
    on every render) and the address the visitor typed, which the form shows back."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', html)
    if typed:
        html = html.replace(typed, "TYPED-ADDRESS")
    return html


def main_of(response: Any) -> str:
    """The page's <main>: what the account templates render, without the site's header."""
    match = re.search(r"<main\b.*?</main>", response.content.decode(), re.S)
    assert match, response.content.decode()
    return match.group(0)


def log_in(client: Any, email: str, password: str, **extra: Any) -> Any:
    return client.post("/accounts/login/", {"login": email, "password": password}, **extra)


def is_logged_in(client: Any) -> bool:
    return "_auth_user_id" in client.session


class FormAudit(HTMLParser):
    """Collects what an accessibility check needs: inputs, labels, headings, alerts."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict[str, str | None]] = []
        self.label_targets: set[str] = set()
        self.h1_count = 0
        self.alerts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in {"input", "select", "textarea"}:
            self.inputs.append(attributes)
        elif tag == "label" and attributes.get("for"):
            self.label_targets.add(str(attributes["for"]))
        elif tag == "h1":
            self.h1_count += 1
        if attributes.get("role") == "alert":
            self.alerts += 1

    def unlabelled_inputs(self) -> list[dict[str, str | None]]:
        return [
            attrs
            for attrs in self.inputs
            if attrs.get("type") not in {"hidden", "submit"}
            and attrs.get("id") not in self.label_targets
        ]


def audit(response: Any) -> FormAudit:
    parser = FormAudit()
    parser.feed(response.content.decode())
    return parser
