"""The ads a page carries for one reader: nothing at all for readers with ad-free reading.

The gate answers (``may_use``); this module never looks at grants. Pages ask per request, so
cached page parts (the article kit) never hold an ad.
"""

from __future__ import annotations

import re

from django.template.loader import render_to_string

from masthead.access.gate import may_use
from masthead.access.identity import Reader
from masthead.access.models import Benefit
from masthead.ads.selectors import Ad, active_ads

# Per process: the rendered ads of each placement, reused while the slots are unchanged.
_rendered: dict[str, tuple[tuple[Ad, ...], str]] = {}
# The ad tag's <script> elements carry the request's Content-Security-Policy nonce: the tag is
# the publisher's own (editing it needs its own permission), so its inline scripts may run.
# The slot is rendered once with this mark, and each request puts its own nonce in.
NONCE_MARK = "\x00csp-nonce\x00"
_SCRIPT_TAG = re.compile(r"<script\b", re.IGNORECASE)


def with_nonce_mark(tag_html: str) -> str:
    return _SCRIPT_TAG.sub(f'<script nonce="{NONCE_MARK}"', tag_html)


def ad_slot_html(*, reader: Reader, placement: str, nonce: str = "") -> str:
    """The placement's ads for this reader: empty for ad-free readers, or when none is set.

    ``nonce`` is the request's Content-Security-Policy nonce, given to the ad tag's scripts."""
    if may_use(reader=reader, benefit=Benefit.AD_FREE).full:
        return ""
    ads = active_ads().get(placement, ())
    if not ads:
        return ""
    memo = _rendered.get(placement)
    if memo is None or memo[0] is not ads:
        memo = (ads, render_to_string("ads/_slot.html", {"ads": ads, "placement": placement}))
        _rendered[placement] = memo
    return memo[1].replace(NONCE_MARK, nonce)
