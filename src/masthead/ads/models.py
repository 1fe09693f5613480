"""Ad slots: where ads appear on the news site, and what each one shows."""

from __future__ import annotations

from django.db import models


class Placement(models.TextChoices):
    HOME = "home", "Home page"
    SECTION = "section", "Section and listing pages"
    ARTICLE = "article", "Story pages (after the story)"


class AdKind(models.TextChoices):
    HOUSE = "house", "House ad (image, text and link)"
    TAG = "tag", "Publisher's ad tag (raw HTML and script)"


class AdSlot(models.Model):
    """One ad on one kind of page. Readers with ad-free reading never get any of it."""

    name = models.CharField(max_length=100, help_text="For the back office only.")
    placement = models.CharField(max_length=10, choices=Placement.choices)
    kind = models.CharField(max_length=8, choices=AdKind.choices, default=AdKind.HOUSE)
    position = models.PositiveSmallIntegerField(default=100, help_text="Smallest shows first.")
    is_active = models.BooleanField(default=True)
    # A house ad.
    text = models.CharField(max_length=200, blank=True, help_text="House ad: the ad's words.")
    image_url = models.CharField(
        max_length=300,
        blank=True,
        help_text="House ad: an https:// address, or a path under the site's static files.",
    )
    image_alt = models.CharField(
        max_length=200, blank=True, help_text="House ad: what the image shows, for screen readers."
    )
    link_url = models.CharField(
        max_length=300, blank=True, help_text="House ad: where the ad leads (https:// or /path)."
    )
    # The publisher's ad tag.
    tag_html = models.TextField(
        "ad tag (raw HTML and script, served as is)",
        blank=True,
        help_text=(
            "Served unescaped to every reader without ad-free reading: paste only a tag your ad "
            "network gave you. Only staff with the 'edit the publisher's ad tag' permission may "
            "change it."
        ),
    )
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("placement", "position", "pk")
        permissions = [("edit_ad_tag", "Can edit the publisher's ad tag (raw HTML and script)")]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="house") & ~models.Q(link_url=""))
                | (models.Q(kind="tag") & ~models.Q(tag_html="")),
                name="ad_slot_has_content",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_placement_display()})"
