"""The back office's story list searches with the archive's engine.

The newsroom's own admin stays as it is (the newsroom knows nothing of search): this extends
whichever admin is registered for stories, adding the engine's matches (published stories,
ranked, with stemming and phrases) to the list's own headline/slug search, which still finds
drafts.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from masthead.newsroom.models import Article
from masthead.search.query import QueryError
from masthead.search.selectors import matching_article_ids

_registered: Any = admin.site._registry.get(Article)
if _registered is not None:
    _StoryAdmin: Any = type(_registered)

    class SearchingStoryAdmin(_StoryAdmin):  # type: ignore[misc]
        def get_search_results(
            self, request: HttpRequest, queryset: QuerySet[Article], search_term: str
        ) -> tuple[QuerySet[Article], bool]:
            own, duplicates = super().get_search_results(request, queryset, search_term)
            if not search_term.strip():
                return own, duplicates
            try:
                ids = matching_article_ids(text=search_term)
            except QueryError:
                return own, duplicates
            return own | queryset.filter(pk__in=ids), duplicates

    admin.site.unregister(Article)
    admin.site.register(Article, SearchingStoryAdmin)
