"""Checking ad slots before they are saved (the back office saves them)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from masthead.ads.models import AdKind
from masthead.ads.selectors import forget_ads


def _safe_address(value: str) -> bool:
    return value.startswith(("https://", "http://", "/")) and not value.startswith("//")


def check_ad(
    *, kind: str, text: str, image_url: str, image_alt: str, link_url: str, tag_html: str
) -> None:
    """Refuse an ad that would show nothing, or lead anywhere but a web address; name the field."""
    errors: dict[str, str] = {}
    if kind == AdKind.HOUSE:
        if not link_url:
            errors["link_url"] = "A house ad needs the address it leads to."
        elif not _safe_address(link_url):
            errors["link_url"] = "Use an https:// address or a path on this site, like /premium/."
        if not text and not image_url:
            errors["text"] = "A house ad needs words, an image, or both."
        if image_url and not _safe_address(image_url) and "://" in image_url:
            errors["image_url"] = "Use an https:// address or a path under the static files."
        if image_url and not image_alt:
            errors["image_alt"] = "Say what the image shows, for readers who cannot see it."
    elif kind == AdKind.TAG:
        if not tag_html.strip():
            errors["tag_html"] = "Paste the ad tag your ad network gave you."
    else:
        errors["kind"] = f"Unknown kind of ad {kind!r}: choose a house ad or the ad tag."
    if errors:
        raise ValidationError(errors)


def ads_changed() -> None:
    """Call after ad slots are edited, so this process shows the change at once."""
    forget_ads()
