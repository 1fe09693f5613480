"""Searching: the engine finds, the gate decides what each result may show.

Every story result passes through ``access.gate.decide`` on the FEED surface with ``count``
off: search never uses up a metered story, and a story the meter would have to open is shown
as a reader without access sees it. A reader who may not read a story gets a headline and a
snippet cut only from its standfirst and free lead (the text its own page shows such a reader);
the rest of the body is never read into a result. E-paper pages are searched only for readers
the gate lets use the e-paper.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from masthead.access.gate import Context, Reason, Surface, decide, may_use
from masthead.access.identity import Reader
from masthead.access.models import Benefit
from masthead.newsroom.blocks import plain_text, split_lead, without_cut
from masthead.newsroom.models import Article, Author
from masthead.search.engines import COUNT_LIMIT, Filters, Sort, engine
from masthead.search.matching import Snippet, highlight, matches, query_keys, snippet
from masthead.search.models import Entry, EntryKind
from masthead.search.query import Query, QueryError, Term, parse

PER_PAGE = 10
MAX_PAGE = 100

# What a result of a story the reader may not read says about it, by the gate's reason.
_LABELS = {
    Reason.ARCHIVED: "From the archive: read it in full with archive access.",
    Reason.PREMIUM: "Premium story: for subscribers.",
    Reason.MARKET_ANALYSIS: "Market analysis: for subscribers to the market analysis vertical.",
}


@dataclass(frozen=True, slots=True)
class Result:
    kind: str
    url: str
    headline: str
    headline_html: SafeString
    snippet: Snippet
    published_at: dt.datetime
    section: str = ""
    authors: tuple[str, ...] = ()
    agency: str = ""
    access_level: str = ""
    full: bool = True
    reason: str = ""
    # The words matched only in the part of the story this reader may not read.
    matches_in_full_story: bool = False
    label: str = ""
    prompt_url: str = ""


@dataclass(frozen=True, slots=True)
class Results:
    query: Query
    results: list[Result]
    total: int
    page: int
    per_page: int = PER_PAGE
    more_than: bool = False  # the count stopped at COUNT_LIMIT
    has_next: bool = False
    suggestion: str = ""  # "did you mean", only for a query that found nothing
    epaper_included: bool = False
    sort: str = Sort.RELEVANCE
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def pages(self) -> int | None:
        """How many pages, when the count is exact."""
        if self.more_than:
            return None
        return max(1, min(MAX_PAGE, -(-self.total // self.per_page)))

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def _story_paragraphs(article: Article, *, full: bool) -> list[str]:
    blocks = (
        without_cut(article.body)
        if full
        else split_lead(article.body, default_paragraphs=settings.LEAD_PARAGRAPHS).lead
    )
    text = plain_text(without_cut(blocks))
    return [p for p in [article.standfirst, *text.split("\n\n")] if p]


def _story_result(
    *, entry: Entry, reader: Reader, keys: frozenset[str], now: dt.datetime
) -> Result:
    article = entry.article
    assert article is not None
    decision = decide(
        reader=reader, article=article, context=Context(surface=Surface.FEED, count=False, now=now)
    )
    # Only text this reader may read is handed to the snippet: the whole body when the gate
    # says full, otherwise the standfirst and the free lead, exactly as the story page cuts it.
    cut = snippet(_story_paragraphs(article, full=decision.full), keys)
    in_headline = matches(article.headline, keys)
    return Result(
        kind=EntryKind.STORY,
        url=article.get_absolute_url(),
        headline=article.headline,
        headline_html=highlight(article.headline, keys),
        snippet=cut,
        published_at=article.published_at or entry.published_at,
        section=article.section.name,
        authors=tuple(a.name for a in article.authors.all()),
        agency=article.agency.short_name if article.agency else "",
        access_level=article.access_level,
        full=decision.full,
        reason=decision.reason.value,
        matches_in_full_story=not decision.full and not (in_headline or cut.matched),
        label="" if decision.full else _LABELS.get(decision.reason, ""),
        prompt_url="" if decision.full else reverse("billing:subscribe") + "?next=" + "/search/",
    )


def _page_result(*, entry: Entry, keys: frozenset[str]) -> Result:
    page = entry.page
    assert page is not None
    edition = page.edition
    return Result(
        kind=EntryKind.EPAPER_PAGE,
        url=reverse(
            "epaper:page",
            kwargs={"date": edition.date.isoformat(), "slug": edition.slug, "number": page.number},
        ),
        headline=entry.headline,
        headline_html=highlight(entry.headline, keys),
        snippet=snippet([page.text], keys),
        published_at=entry.published_at,
        section="E-paper",
    )


def _entries(ids: list[int]) -> list[Entry]:
    # The entry's own copy of the text is never shown: snippets are cut from the story.
    rows = (
        Entry.objects.filter(pk__in=ids)
        .defer("body", "standfirst")
        .select_related("article__section", "article__agency", "page__edition")
    )
    rows = rows.prefetch_related(
        Prefetch("article__authors", queryset=Author.objects.only("name", "slug"))
    )
    by_id = {e.pk: e for e in rows}
    return [by_id[i] for i in ids if i in by_id]


def search(
    *,
    reader: Reader,
    query: Query,
    filters: Filters,
    sort: str = Sort.RELEVANCE,
    page: int = 1,
    suggest: bool = True,
) -> Results:
    """One page of results for this reader; ``filters.include_epaper`` is set here, by the
    gate, whatever the caller passed."""
    epaper = may_use(reader=reader, benefit=Benefit.EPAPER, now=filters.now).full
    filters = Filters(
        now=filters.now,
        include_epaper=epaper,
        section_id=filters.section_id,
        author_id=filters.author_id,
        published_from=filters.published_from,
        published_before=filters.published_before,
        # Without the benefit, asking for e-paper pages finds none (rather than every story).
        story_type=filters.story_type,
    )
    if filters.story_type == "epaper" and not epaper:
        return Results(query=query, results=[], total=0, page=1, sort=sort)
    page = max(1, min(page, MAX_PAGE))
    found = engine().find(
        query=query, filters=filters, sort=sort, offset=(page - 1) * PER_PAGE, limit=PER_PAGE
    )
    keys = query_keys(query)
    results = [
        _story_result(entry=e, reader=reader, keys=keys, now=filters.now)
        if e.kind == EntryKind.STORY
        else _page_result(entry=e, keys=keys)
        for e in _entries(found.ids)
    ]
    suggestion = ""
    if found.total == 0 and suggest:
        suggestion = did_you_mean(query=query, filters=filters)
    return Results(
        query=query,
        results=results,
        total=min(found.total, COUNT_LIMIT),
        more_than=found.total > COUNT_LIMIT,
        has_next=found.more and page < MAX_PAGE,
        page=page,
        suggestion=suggestion,
        epaper_included=epaper,
        sort=sort,
    )


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance: insertions, deletions and substitutions."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _closest(word: str) -> str:
    if len(word) < 3 or any(c.isdigit() for c in word):
        return word
    candidates = engine().vocabulary_near(word=word)
    if word in candidates:
        return word
    allowed = 1 if len(word) <= 4 else 2
    scored = sorted((edit_distance(word, c), c) for c in candidates if len(c) >= 3 and c.isalpha())
    return scored[0][1] if scored and scored[0][0] <= allowed else word


def did_you_mean(*, query: Query, filters: Filters) -> str:
    """A query with each word replaced by the closest indexed spelling, when that finds
    something; otherwise ''."""
    changed = False
    clauses: list[tuple[Term, ...]] = []
    for clause in query.clauses:
        terms = []
        for term in clause:
            words = tuple(_closest(w) for w in term.words)
            changed = changed or words != term.words
            terms.append(Term(words=words))
        clauses.append(tuple(terms))
    if not changed:
        return ""
    better = Query(clauses=tuple(clauses), excluded=query.excluded)
    found = engine().find(query=better, filters=filters, sort=Sort.NEWEST, offset=0, limit=1)
    return better.text() if found.ids else ""


def matching_article_ids(*, text: str, limit: int = 1000) -> list[int]:
    """Published stories matching a query, best first (the back office's story list). Raises
    QueryError for a query that cannot be searched."""
    query = parse(text)
    found = engine().find(
        query=query,
        filters=Filters(now=timezone.now() + dt.timedelta(days=36500)),
        sort=Sort.RELEVANCE,
        offset=0,
        limit=limit,
    )
    return list(
        Entry.objects.filter(pk__in=found.ids, article__isnull=False).values_list(
            "article_id", flat=True
        )
    )


__all__ = ["QueryError", "Results", "matching_article_ids", "search"]
