"""Shared pages and clips: a signed, expiring token names the edition, page and rectangle.

The token is the whole grant: it is signed with SECRET_KEY (``django.core.signing``), so
changing the page, the rectangle or the edition breaks the signature, and it expires after
``EPAPER_SHARE_DAYS`` days. It names the edition by date and name, not by row, so a shared
link survives the edition being uploaded again with corrections.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

from masthead.epaper.rendering import Clip

_SALT = "masthead.epaper.share"


@dataclass(frozen=True, slots=True)
class SharedPage:
    date: dt.date
    slug: str
    page: int
    clip: Clip | None


class ShareLinkInvalid(Exception):
    """The link was altered, made up, or has expired; ``expired`` says which."""

    def __init__(self, *, expired: bool) -> None:
        self.expired = expired
        super().__init__("expired" if expired else "invalid")


def share_token(*, shared: SharedPage) -> str:
    payload: dict[str, object] = {
        "d": shared.date.isoformat(),
        "e": shared.slug,
        "p": shared.page,
    }
    if shared.clip is not None:
        payload["r"] = [shared.clip.x, shared.clip.y, shared.clip.w, shared.clip.h]
    return signing.dumps(payload, salt=_SALT, compress=True)


def read_share_token(token: str) -> SharedPage:
    max_age = dt.timedelta(days=settings.EPAPER_SHARE_DAYS)
    try:
        payload = signing.loads(token, salt=_SALT, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise ShareLinkInvalid(expired=True) from exc
    except signing.BadSignature as exc:
        raise ShareLinkInvalid(expired=False) from exc
    try:
        rect = payload.get("r")
        return SharedPage(
            date=dt.date.fromisoformat(payload["d"]),
            slug=str(payload["e"]),
            page=int(payload["p"]),
            clip=Clip(*(int(v) for v in rect)) if rect is not None else None,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ShareLinkInvalid(expired=False) from exc
