"""The ads a page carries for one reader: nothing at all for readers with ad-free reading.

The gate answers (``may_use``); this module never looks at grants. Pages ask per request, so
cached page parts (the article kit) never hold an ad.
"""

from __future__ import annotations

from django.template.loader import render_to_string

from masthead.access.gate import may_use
from masthead.access.identity import Reader
from masthead.access.models import Benefit
from masthead.ads.selectors import Ad, active_ads

# Per process: the rendered ads of each placement, reused while the slots are unchanged.
_rendered: dict[str, tuple[tuple[Ad, ...], str]] = {}


def ad_slot_html(*, reader: Reader, placement: str) -> str:
    """The placement's ads for this reader: empty for ad-free readers, or when none is set."""
    if may_use(reader=reader, benefit=Benefit.AD_FREE).full:
        return ""
    ads = active_ads().get(placement, ())
    if not ads:
        return ""
    memo = _rendered.get(placement)
    if memo is not None and memo[0] is ads:
        return memo[1]
    html = render_to_string("ads/_slot.html", {"ads": ads, "placement": placement})
    _rendered[placement] = (ads, html)
    return html
