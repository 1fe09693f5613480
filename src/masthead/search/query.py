"""What a reader types, read the same way for both engines.

Plain words must all match; ``"quoted words"`` match as a phrase; ``-word`` (or ``-"a phrase"``)
excludes; ``OR`` (in capitals, as on the big search engines) between two terms accepts either:
``rbi "repo rate" OR "reverse repo" -crypto``. OR binds tighter than the implied AND, so that
reads "rbi, and repo rate or reverse repo, and not crypto".

Words are split the way the engines' tokenizers split them (letters and digits), so punctuation
in a query never reaches an engine as syntax: ``Osa-AKM`` is the phrase "osa akm". Common
English words on their own (the, of, and...) are left out on both engines (PostgreSQL's
dictionary drops them; SQLite's FTS5 would not), so the same query finds the same stories.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

MAX_QUERY_CHARS = 200
MAX_TERMS = 12

_TOKEN = re.compile(r'-?"[^"]*"?|\S+')
_WORD = re.compile(r"\w+", re.UNICODE)


def _words(text: str) -> list[str]:
    return text.split()


# PostgreSQL's English stop words (tsearch_data/english.stop), which its dictionary drops.
STOP_WORDS = frozenset(
    _words(
        """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
    she her hers herself it its itself they them their theirs themselves what which who whom
    this that these those am is are was were be been being have has had having do does did doing
    a an the and but if or because as until while of at by for with about against between into
    through during before after above below to from up down in out on off over under again
    further then once here there when where why how all any both each few more most other some
    such no nor not only own same so than too very s t can will just don should now
    """
    )
)


class QueryError(ValueError):
    """The query cannot be searched; the message says why and what to type instead."""


@dataclass(frozen=True, slots=True)
class Term:
    words: tuple[str, ...]  # lower-case, accents kept (the engines remove them)

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True, slots=True)
class Query:
    # Every clause must match; a clause matches when any of its terms does.
    clauses: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...] = ()
    raw: str = field(default="", compare=False)

    @property
    def terms(self) -> tuple[Term, ...]:
        return tuple(term for clause in self.clauses for term in clause)

    def text(self) -> str:
        """The query written back in the reader's syntax (for links, "did you mean")."""

        def shown(term: Term) -> str:
            return f'"{term.text}"' if term.is_phrase else term.text

        parts = [" OR ".join(shown(t) for t in clause) for clause in self.clauses]
        parts += [f"-{shown(t)}" for t in self.excluded]
        return " ".join(parts)


def words_of(text: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in _WORD.findall(unicodedata.normalize("NFC", text)))


def parse(raw: str) -> Query:
    """Read a query; raises QueryError with a message for the reader when it cannot be used."""
    text = " ".join(raw.split())
    if not text:
        raise QueryError("Type a word or two to search the archive.")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"Your search is {len(text)} characters long; shorten it to {MAX_QUERY_CHARS} "
            "characters or fewer."
        )
    clauses: list[list[Term]] = []
    excluded: list[Term] = []
    join_next = False
    dropped_common: list[str] = []
    for token in _TOKEN.findall(text):
        if token == "OR":  # noqa: S105 - the operator, not a secret
            join_next = bool(clauses)
            continue
        negated = token.startswith("-") and len(token) > 1
        body = token[1:] if negated else token
        words = words_of(body.strip('"'))
        if not words:
            continue
        if all(word in STOP_WORDS for word in words):
            dropped_common.append(" ".join(words))
            join_next = False
            continue
        term = Term(words=words)
        if negated:
            excluded.append(term)
        elif join_next:
            clauses[-1].append(term)
        else:
            clauses.append([term])
        join_next = False
    if not clauses:
        if excluded:
            raise QueryError(
                "Add a word to look for: a search made only of excluded words (-word) "
                "finds nothing."
            )
        if dropped_common:
            raise QueryError(
                f"{', '.join(repr(w) for w in dropped_common)} is too common to search for on "
                "its own; add another word."
            )
        raise QueryError("Type a word or two (letters or digits) to search the archive.")
    if sum(len(c) for c in clauses) + len(excluded) > MAX_TERMS:
        raise QueryError(f"Use at most {MAX_TERMS} words or phrases in one search.")
    return Query(clauses=tuple(tuple(c) for c in clauses), excluded=tuple(excluded), raw=text)
