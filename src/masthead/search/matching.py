"""Highlights and snippets, made in Python from text the caller may show (so both engines show
the same, and a snippet can only ever be cut from text the gate let through).

A text word matches a query word when both reduce to the same key: lower case, accents
removed, and a light English suffix stripped (``defences`` and ``defence``, ``rates`` and
``rate``). The engines stem more thoroughly; a word they matched that this misses is simply
not highlighted.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from masthead.search.query import Query

_WORD = re.compile(r"\w+", re.UNICODE)
_SUFFIXES = ("ingly", "edly", "ings", "ing", "ies", "ied", "es", "ed", "ly", "s")
SNIPPET_WORDS = 40


@lru_cache(maxsize=65536)  # a news vocabulary repeats: most words are seen many times
def key(word: str) -> str:
    folded = unicodedata.normalize("NFKD", word.casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    for suffix in _SUFFIXES:
        if plain.endswith(suffix) and len(plain) - len(suffix) >= 3:
            plain = plain[: -len(suffix)]
            break
    return plain.rstrip("e") if len(plain) > 3 else plain


def query_keys(query: Query) -> frozenset[str]:
    return frozenset(key(word) for term in query.terms for word in term.words)


def matches(text: str, keys: frozenset[str]) -> bool:
    return any(key(word) in keys for word in _WORD.findall(text))


def highlight(text: str, keys: frozenset[str]) -> SafeString:
    """The text, escaped, with runs of matching words (a phrase) in one ``<mark>``."""
    runs: list[list[int]] = []  # [start, end] of each run of matching words
    for found in _WORD.finditer(text):
        if key(found.group()) not in keys:
            continue
        if runs and not text[runs[-1][1] : found.start()].strip():
            runs[-1][1] = found.end()
        else:
            runs.append([found.start(), found.end()])
    out: list[str] = []
    position = 0
    for start, end in runs:
        out.append(escape(text[position:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    out.append(escape(text[position:]))
    return mark_safe("".join(out))  # every piece of the text above is escaped


@dataclass(frozen=True, slots=True)
class Snippet:
    html: SafeString
    text: str
    matched: bool  # the query's words occur in the text the snippet was cut from


def snippet(paragraphs: Iterable[str], keys: frozenset[str]) -> Snippet:
    """About SNIPPET_WORDS words around the first match in the paragraphs (or their opening)."""
    words: list[str] = []
    for paragraph in paragraphs:
        words.extend(paragraph.split())
    first = next(
        (i for i, w in enumerate(words) if any(key(p) in keys for p in _WORD.findall(w))), None
    )
    start = 0 if first is None else max(0, first - SNIPPET_WORDS // 4)
    chosen = words[start : start + SNIPPET_WORDS]
    text = " ".join(chosen)
    if start > 0:
        text = "… " + text
    if start + SNIPPET_WORDS < len(words):
        text += " …"
    return Snippet(html=highlight(text, keys), text=text, matched=first is not None)
