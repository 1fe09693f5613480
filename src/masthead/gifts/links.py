"""Gift links: ``/gift/<token>/``, the token a signed (gift id, story id) pair.

The token names both the gift and its story and is signed with the site's key
(``django.core.signing``, its own salt), so changing either number — to open another story, or
another reader's gift — breaks the signature. It carries no expiry of its own: the gift's row
holds when it ends (14 days from giving) and whether the giver revoked it, so there is nothing
in the URL to stretch, and revoking works at once.
"""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from masthead.gifts.models import Gift

_SALT = "masthead.gifts.link"


class GiftLinkInvalid(Exception):
    """The link was altered, cut short or made up, or names a gift that does not exist."""


def token_for(gift: Gift) -> str:
    return signing.dumps([gift.pk, gift.article_id], salt=_SALT, compress=False)


def path_for(gift: Gift) -> str:
    return reverse("gifts:open", kwargs={"token": token_for(gift)})


def gift_from_token(token: str) -> Gift:
    try:
        payload = signing.loads(token, salt=_SALT)
    except signing.BadSignature as exc:
        raise GiftLinkInvalid from exc
    if (
        not isinstance(payload, list)
        or len(payload) != 2
        or not all(isinstance(n, int) and not isinstance(n, bool) for n in payload)
    ):
        raise GiftLinkInvalid
    gift_id, article_id = payload
    gift = (
        Gift.objects.select_related("article", "article__section")
        .filter(pk=gift_id, article_id=article_id)
        .first()
    )
    if gift is None:
        raise GiftLinkInvalid
    return gift
