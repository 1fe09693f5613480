"""Reading ad slots: per placement, kept per process for a few seconds (read on every page)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from masthead.ads.models import AdKind, AdSlot

# An edit in the back office shows everywhere within SLOTS_TTL seconds (at once in the process
# that saved it).
SLOTS_TTL = 10.0


@dataclass(frozen=True, slots=True)
class Ad:
    pk: int
    kind: str
    text: str
    image_url: str
    image_alt: str
    link_url: str
    tag_html: str

    @property
    def is_tag(self) -> bool:
        return self.kind == AdKind.TAG


_cache: tuple[float, dict[str, tuple[Ad, ...]]] | None = None


def active_ads() -> dict[str, tuple[Ad, ...]]:
    """Active ads by placement, in order."""
    global _cache  # noqa: PLW0603 - a tiny per-process cache, see SLOTS_TTL
    now = time.monotonic()
    if _cache is not None and now - _cache[0] < SLOTS_TTL:
        return _cache[1]
    by_placement: dict[str, list[Ad]] = {}
    for slot in AdSlot.objects.filter(is_active=True):
        by_placement.setdefault(slot.placement, []).append(
            Ad(
                pk=slot.pk,
                kind=slot.kind,
                text=slot.text,
                image_url=slot.image_url,
                image_alt=slot.image_alt,
                link_url=slot.link_url,
                tag_html=slot.tag_html,
            )
        )
    ads = {placement: tuple(items) for placement, items in by_placement.items()}
    _cache = (now, ads)
    return ads


def forget_ads() -> None:
    global _cache  # noqa: PLW0603 - see active_ads
    _cache = None
