from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def _nav_sections() -> list[dict[str, str]]:
    from masthead.newsroom.models import Section

    cached = cache.get("core:nav_sections")
    if cached is None:
        cached = [
            {"name": s.name, "url": s.get_absolute_url(), "slug": s.slug}
            for s in Section.objects.all()
        ]
        cache.set("core:nav_sections", cached, 60)
    return list(cached)


def publisher(request: HttpRequest) -> dict[str, object]:
    """What every page needs to know about the publisher it is printed for."""
    return {
        "publisher_name": settings.PUBLISHER_NAME,
        "publisher_short_name": settings.PUBLISHER_SHORT_NAME,
        "publisher_tagline": settings.PUBLISHER_TAGLINE,
        "site_url": settings.SITE_URL,
        "nav_sections": SimpleLazyObject(_nav_sections),
    }
