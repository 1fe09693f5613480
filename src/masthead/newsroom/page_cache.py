"""The article page's cache: one kit of pre-rendered fragments per story.

A warm article page costs one cache round trip — the story's kit, its version and the
newsroom's generation, fetched together — plus the gate's own work: no SQL for the story, its
authors, the related stories or the navigation.

The cache never decides anything. A kit holds nothing about any reader (see
``presenters.ArticleKit``); the gate runs on every request, with the real reader, and
``presenters.present_page`` picks the fragments its decision allows.

How fresh a kit is:

* A kit lives ``KIT_TTL`` (60) seconds, so what a page shows but its story does not own — a
  new or retitled related story, the navigation — is at most a minute old.
* Saving a story (back office, or ``newsroom.services.save_article``) calls
  ``forget_article``: the story's version changes and its kit is dropped, so the next request
  rebuilds it from the database. A kit built from rows read before the save was stamped with the
  old version and is never served. Changing a story's slug forgets the old slug too.
* Saving a section, author or wire agency in the back office calls ``forget_newsroom``: every
  kit is rebuilt on its next request.
* With Django's per-process locmem cache (no REDIS_URL) only the process that handled the save
  forgets at once; the others catch up within KIT_TTL. With Redis every process sees it at once.
"""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from django.core.cache import cache
from django.db import transaction

from masthead.core.context_processors import forget_nav_sections, nav_sections
from masthead.newsroom import selectors
from masthead.newsroom.presenters import ArticleKit, build_kit

KIT_TTL = 60
# Versions must outlive any kit stamped with them by far (see _stamp).
VERSION_TTL = 60 * 60 * 24
# Bump when ArticleKit's fields change, so a deploy never reads kits of the old shape.
_FORMAT = 1
GENERATION_KEY = "newsroom:kit-generation"


def _kit_key(slug: str) -> str:
    return f"newsroom:kit:{_FORMAT}:{slug}"


def _version_key(slug: str) -> str:
    return f"newsroom:kit-version:{slug}"


def article_kit(*, slug: str) -> ArticleKit:
    """The published story's kit, from the cache or built from the database (Http404 if there
    is no published story with this slug; misses are not cached)."""
    kit_key, version_key = _kit_key(slug), _version_key(slug)
    found = cache.get_many([kit_key, version_key, GENERATION_KEY])
    # Read before the database, so a save landing while we build makes our kit stale at once.
    stamp = (found.get(version_key), found.get(GENERATION_KEY))
    stored = found.get(kit_key)
    if isinstance(stored, dict) and stored.get("stamp") == stamp:
        try:
            return ArticleKit(**stored["kit"])
        except (KeyError, TypeError):  # not a kit of this shape: rebuild it
            pass
    kit = _build(slug=slug)
    fields = {f.name: getattr(kit, f.name) for f in dataclasses.fields(kit)}
    cache.set(kit_key, {"stamp": stamp, "kit": fields}, KIT_TTL)
    return kit


def _build(*, slug: str) -> ArticleKit:
    story = selectors.published_article(slug=slug)
    return build_kit(article=story, related=selectors.related(article=story), nav=nav_sections())


def _after_commit_too(forget: Any) -> None:
    """Forget now, and again once the transaction commits: a request between the two may have
    rebuilt the kit from the rows as they were before the commit."""
    forget()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(forget)


def forget_article(*, slug: str) -> None:
    """The story's next page view rebuilds its kit (see the module docstring)."""

    def forget() -> None:
        cache.set(_version_key(slug), uuid.uuid4().hex, VERSION_TTL)
        cache.delete(_kit_key(slug))

    _after_commit_too(forget)


def forget_newsroom() -> None:
    """Every story's next page view rebuilds its kit, and the navigation is read afresh."""

    def forget() -> None:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, VERSION_TTL)
        forget_nav_sections()

    _after_commit_too(forget)
