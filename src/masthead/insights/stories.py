"""What the dashboards need to know about stories (titles, paths, authors), read from the
newsroom's models in one place, so the newsroom's split into content and pages moves one
import."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from masthead.newsroom.models import Article


@dataclass(frozen=True, slots=True)
class Story:
    pk: int
    title: str
    path: str
    section: str


def authors_of(story_ids: Iterable[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    ids = list(set(story_ids))
    for chunk_start in range(0, len(ids), 2000):
        chunk = ids[chunk_start : chunk_start + 2000]
        for story_id, slug in Article.authors.through.objects.filter(
            article_id__in=chunk
        ).values_list("article_id", "author__slug"):
            found[int(story_id)].append(str(slug))
    return found


def stories(story_ids: Iterable[int]) -> dict[int, Story]:
    ids = [i for i in set(story_ids) if i]
    return {
        a.pk: Story(pk=a.pk, title=a.headline, path=a.get_absolute_url(), section=a.section.name)
        for a in Article.objects.filter(pk__in=ids).select_related("section")
    }
