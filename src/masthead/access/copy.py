"""Prompt copy with ``{placeholders}``: checked when saved, and safe whatever is stored.

The seed page printed ``{{free_limit}}`` to readers. Here a stored copy is validated on save
(unknown or malformed placeholders are refused, naming them), and rendering never emits a raw
placeholder or a brace, even for copy that somehow skipped validation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

PLACEHOLDERS: Mapping[str, str] = {
    "free_limit": "the number of free stories in the reader's period, e.g. 3",
    "remaining": "free stories the reader has left this period",
    "read": "free stories the reader has read this period",
    "register_bonus": "extra free stories a reader gets by registering",
    "cheapest_monthly": "the lowest per-month price among the plans, e.g. ₹162",
    "publisher": "the publisher's name",
}
_TOKEN = re.compile(r"\{([^{}]*)\}")


class CopyError(ValueError):
    """The copy cannot be saved; the message names the placeholder at fault."""


def validate_copy(text: str) -> None:
    """Refuse unknown placeholders, doubled braces and unbalanced braces, naming each."""
    problems: list[str] = []
    if "{{" in text or "}}" in text:
        problems.append(
            "double braces like {{free_limit}} are not placeholders here; write {free_limit}"
        )
    for match in _TOKEN.finditer(text):
        name = match.group(1).strip()
        if name not in PLACEHOLDERS:
            known = ", ".join("{" + key + "}" for key in PLACEHOLDERS)
            problems.append(f"unknown placeholder {{{match.group(1)}}} (known: {known})")
    leftover = _TOKEN.sub("", text)
    if ("{" in leftover or "}" in leftover) and not problems:
        problems.append("a brace is not closed; placeholders are written like {remaining}")
    if problems:
        raise CopyError("; ".join(dict.fromkeys(problems)) + ".")


def render_copy(text: str, values: Mapping[str, object]) -> str:
    """Fill placeholders. Unknown ones and any stray brace are dropped, never shown."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        if name in PLACEHOLDERS and name in values:
            return str(values[name])
        return ""

    rendered = _TOKEN.sub(fill, text)
    # Values come from our own numbers and names, but a brace must never reach a reader.
    rendered = rendered.replace("{", "").replace("}", "")
    return re.sub(r"[ \t]{2,}", " ", rendered).strip()
