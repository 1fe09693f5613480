"""The article page's cache: one kit of pre-rendered fragments per story.

The cache never decides anything. A kit holds nothing about any reader (see
``presenters.ArticleKit``); the gate runs on every request, with the real reader, and
``presenters.render_article_page`` puts in what its decision allows.

Two layers:

* the shared kit, in Django's cache (Redis when REDIS_URL is set, else per-process locmem),
  fetched with its story's version and the newsroom's generation in one round trip; a miss
  builds it from the database (the story, its authors, the related stories, the navigation);
* a copy in this process, trusted for ``LOCAL_TTL`` (2) seconds without asking the shared
  cache; after that the next request checks it against the shared cache again.

How fresh a page is:

* A kit lives ``KIT_TTL`` (60) seconds, so what a page shows but its story does not own — a
  new or retitled related story, the navigation — is at most a minute old.
* Saving a story (back office, or ``newsroom.services.save_article``) tells ``newsroom.changes``,
  whose listener here calls ``forget_article``:
  the story's version changes and its kit is dropped, so its next page view rebuilds it — at
  once in the process that saved it, within LOCAL_TTL in the others when the cache is shared
  (Redis). A kit built from rows read before the save was stamped with the old version and is
  never served. Changing a story's slug forgets the old slug too.
* Saving a section, author or wire agency in the back office ends in ``forget_newsroom``: every
  kit is rebuilt on its next request (same reach as above).
* With the per-process locmem cache (no REDIS_URL) the other processes only catch up when their
  kit expires: within KIT_TTL.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
import uuid
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.core.signals import setting_changed
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django.utils.autoreload import file_changed

from masthead.core.cache import forget_now_and_after_commit
from masthead.core.context_processors import forget_chrome, forget_nav_sections, nav_sections
from masthead.newsroom import selectors
from masthead.pages import listing_cache, presenters
from masthead.pages.presenters import ArticleKit, build_kit

KIT_TTL = 60
LOCAL_TTL = 2.0
LOCAL_KEPT = 1000
# Versions must outlive any kit stamped with them (KIT_TTL), by far.
VERSION_TTL = 10 * KIT_TTL
# Bump when ArticleKit's fields change, so a deploy never reads kits of the old shape.
_FORMAT = 2
GENERATION_KEY = "newsroom:kit-generation"

# slug -> (monotonic time last checked against the shared cache, kit)
_local: dict[str, tuple[float, ArticleKit]] = {}


def _kit_key(slug: str) -> str:
    return f"newsroom:kit:{_FORMAT}:{slug}"


def _version_key(slug: str) -> str:
    return f"newsroom:kit-version:{slug}"


def article_kit(*, slug: str) -> ArticleKit:
    """The published story's kit: this process's copy, the shared cache's, or built from the
    database (Http404 when no published story has this slug; misses are not cached)."""
    now = time.monotonic()
    local = _local.get(slug)
    if local is not None and now - local[0] < LOCAL_TTL:
        return local[1]
    kit = _shared_kit(slug)
    if len(_local) >= LOCAL_KEPT:
        _local.clear()  # simple, and safe under threaded servers
    _local[slug] = (now, kit)
    return kit


def _shared_kit(slug: str) -> ArticleKit:
    kit_key, version_key = _kit_key(slug), _version_key(slug)
    found = cache.get_many([kit_key, version_key, GENERATION_KEY])
    # Read before the database, so a save landing while we build makes our kit stale at once.
    stamp = (found.get(version_key), found.get(GENERATION_KEY))
    stored = found.get(kit_key)
    if isinstance(stored, dict) and stored.get("stamp") == stamp:
        with contextlib.suppress(KeyError, TypeError):  # not a kit of this shape: rebuild it
            return ArticleKit(**stored["kit"])
    story = selectors.published_article(slug=slug)
    kit = build_kit(article=story, related=selectors.related(article=story), nav=nav_sections())
    fields = {f.name: getattr(kit, f.name) for f in dataclasses.fields(kit)}
    cache.set(kit_key, {"stamp": stamp, "kit": fields}, KIT_TTL)
    return kit


def forget_article(*, slug: str) -> None:
    """The story's next page view rebuilds its kit (see the module docstring)."""

    def forget() -> None:
        cache.set(_version_key(slug), uuid.uuid4().hex, VERSION_TTL)
        cache.delete(_kit_key(slug))
        _local.pop(slug, None)

    forget_now_and_after_commit(forget)


def forget_newsroom() -> None:
    """Every story's next page view rebuilds its kit, and the navigation is read afresh."""

    def forget() -> None:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, VERSION_TTL)
        forget_nav_sections()
        forget_local_copies()

    forget_now_and_after_commit(forget)


def story_changed(slug: str) -> None:
    """The newsroom saved this story (``newsroom.changes`` listener)."""
    forget_article(slug=slug)


def newsroom_changed() -> None:
    """The newsroom saved a section, author or agency (``newsroom.changes`` listener)."""
    forget_newsroom()


def forget_local_copies() -> None:
    """Drop this process's copies: the next page view of each story asks the shared cache."""
    _local.clear()


@receiver(setting_changed)
@receiver(post_migrate)
def _settings_or_database_changed(**kwargs: Any) -> None:
    """Settings changed or the database was flushed (tests): copies may describe another
    database's stories."""
    forget_local_copies()


@receiver(file_changed)
def _template_edited(sender: Any, file_path: Path, **kwargs: Any) -> None:
    """Development server: an edited template shows on the next request, as without caches.
    (Returns None, so the autoreloader handles the change as it would anyway.)"""
    if file_path.suffix == ".html":
        forget_chrome()
        presenters.forget_rendered()
        forget_newsroom()
        listing_cache.forget_listings()
