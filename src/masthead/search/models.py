"""The search index: one row per searchable thing (a published story, a page of a published
e-paper edition).

Nothing in Python writes these rows. Database triggers, created by this app's migrations on the
newsroom's and the e-paper's tables, keep them in step with every publish, edit, unpublish and
deletion, whichever code path made it; ``services.reindex`` rebuilds them from the same SQL
views. Each engine adds its own full-text structures beside this table (PostgreSQL: a weighted
``tsvector`` column with a GIN index; SQLite: FTS5 tables over it), see ADR 0021.
"""

from __future__ import annotations

from django.db import models

from masthead.epaper.models import EditionPage
from masthead.newsroom.models import Article, Section, WireAgency


class EntryKind(models.TextChoices):
    STORY = "story", "Story"
    EPAPER_PAGE = "epaper_page", "E-paper page"


class Entry(models.Model):
    kind = models.CharField(max_length=12, choices=EntryKind.choices)
    # No database constraints: the rows follow the source rows through the triggers, and a
    # constraint would only make a deletion's order matter.
    article = models.ForeignKey(
        Article,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    page = models.ForeignKey(
        EditionPage,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    # Copies of the story's filter columns, so every filter is a column of this one table.
    section = models.ForeignKey(
        Section, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    agency = models.ForeignKey(
        WireAgency, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    access_level = models.CharField(max_length=10, blank=True)
    # A story's publication time; an e-paper page's edition date at 12:00 UTC (inside that date
    # in every time zone from UTC-12 to UTC+11).
    published_at = models.DateTimeField()
    headline = models.TextField()
    standfirst = models.TextField(blank=True)
    # Plain text, markup removed. On PostgreSQL it is emptied once the tsvector is made (the
    # story keeps its text; a second copy of every body would only cost space).
    body = models.TextField(blank=True)

    class Meta:
        db_table = "search_entry"
        verbose_name_plural = "entries"
        # "Newest first" is how every search reads (engines.RELEVANCE_WINDOW): each filter a
        # reader narrows by often has an index that walks its own stories newest first, so a
        # common word in one section reads a few hundred of that section's entries, not
        # thousands of matches to sort (bench/search.py, ADR 0021).
        indexes = [
            models.Index(fields=["-published_at"], name="search_entry_published_idx"),
            models.Index(fields=["section", "-published_at"], name="search_entry_section_idx"),
            models.Index(fields=["access_level", "-published_at"], name="search_entry_access_idx"),
            models.Index(
                fields=["-published_at"],
                condition=models.Q(agency__isnull=False),
                name="search_entry_wire_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.headline
