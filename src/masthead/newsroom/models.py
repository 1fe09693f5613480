"""The newsroom's records: sections, authors, wire agencies and the stories themselves."""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

# Section slugs share the URL space with the site's own pages.
RESERVED_SLUGS = frozenset(
    {
        "accounts",
        "account",
        "admin",
        "author",
        "authors",
        "static",
        "media",
        "rss",
        "feed",
        "sitemap.xml",
        "robots.txt",
        "subscribe",
        "search",
        "api",
        "archive",
        "epaper",
        "newsletters",
        "my",
        "healthz",
        "premium",
        "story",
    }
)


class Section(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(
        default=100, help_text="Order in the navigation and on the home page (smallest first)."
    )
    is_market_analysis = models.BooleanField(
        "market analysis vertical",
        default=False,
        help_text=(
            "Stories in this section are market analysis: only readers with the market analysis "
            "benefit read them in full (the meter never opens them)."
        ),
    )

    class Meta:
        ordering = ("position", "name")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("newsroom:section", kwargs={"section_slug": self.slug})


class Author(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    role = models.CharField(max_length=120, blank=True)
    bio = models.TextField(blank=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("newsroom:author", kwargs={"author_slug": self.slug})


class WireAgency(models.Model):
    """A news agency whose stories the publisher syndicates (AFP, Reuters, PTI...)."""

    name = models.CharField(max_length=120, unique=True, help_text="Agence France-Presse")
    short_name = models.CharField(max_length=20, unique=True, help_text="AFP")
    slug = models.SlugField(max_length=40, unique=True)

    class Meta:
        ordering = ("short_name",)
        verbose_name_plural = "wire agencies"

    def __str__(self) -> str:
        return self.short_name


class AccessLevel(models.TextChoices):
    FREE = "free", "Free — never counted, always readable"
    METERED = "metered", "Metered — counts against the free-story meter"
    PREMIUM = "premium", "Premium — subscribers only"


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class ArticleQuerySet(models.QuerySet["Article"]):
    def published(self) -> ArticleQuerySet:
        return self.filter(status=ArticleStatus.PUBLISHED, published_at__lte=timezone.now())


class Article(models.Model):
    """A story. Its body is an ordered list of blocks (see ``newsroom.blocks``)."""

    headline = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    standfirst = models.CharField(
        max_length=400, blank=True, help_text="The one- or two-sentence summary under the headline."
    )
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="articles")
    authors = models.ManyToManyField(Author, blank=True, related_name="articles")
    agency = models.ForeignKey(
        WireAgency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        help_text="Set for wire stories: shows the agency credit and the syndication disclaimer.",
    )
    canonical_url = models.URLField(
        blank=True, help_text="The original's address, for syndicated stories that have one."
    )
    dateline = models.CharField(max_length=80, blank=True)
    body: models.JSONField[Any, Any] = models.JSONField(default=list, blank=True)
    access_level = models.CharField(
        max_length=10, choices=AccessLevel.choices, default=AccessLevel.METERED
    )
    premium_pick = models.PositiveSmallIntegerField(
        "place in the premium selection",
        null=True,
        blank=True,
        help_text=(
            "Premium stories only: 1 leads the Premium page's selection for the day it was "
            "published, 2 comes next, and so on. Empty: listed after the picks, newest first."
        ),
    )
    status = models.CharField(
        max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    updated_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set when the story is materially updated after publication.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)
    # The lead image (ADR 0024): written only by ``newsroom.images.set_lead_image``. The
    # original and its renditions live in the default storage under content-addressed names.
    lead_image = models.CharField(
        max_length=255, blank=True, help_text="The original's name in the default storage."
    )
    lead_image_width = models.PositiveIntegerField(null=True, blank=True)
    lead_image_height = models.PositiveIntegerField(null=True, blank=True)
    lead_image_alt = models.CharField(
        "alt text",
        max_length=300,
        blank=True,
        help_text="What the image shows, for readers who cannot see it. Required with an image.",
    )
    lead_image_caption = models.CharField("caption", max_length=400, blank=True)
    lead_image_credit = models.CharField(
        "credit", max_length=200, blank=True, help_text="Photographer or agency: 'Reuters'."
    )
    lead_image_focal_x = models.FloatField(
        "focal point across",
        default=0.5,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="0 is the left edge, 1 the right: crops keep this point.",
    )
    lead_image_focal_y = models.FloatField(
        "focal point down",
        default=0.5,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="0 is the top edge, 1 the bottom.",
    )
    lead_image_renditions: models.JSONField[Any, Any] = models.JSONField(
        default=dict, blank=True, editable=False
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ("-published_at",)
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_published_idx"),
            models.Index(fields=["section", "status", "-published_at"], name="article_section_idx"),
        ]

    def __str__(self) -> str:
        return self.headline

    def get_absolute_url(self) -> str:
        return reverse(
            "newsroom:article",
            kwargs={"section_slug": self.section.slug, "article_slug": self.slug},
        )

    @property
    def is_wire(self) -> bool:
        return self.agency_id is not None
