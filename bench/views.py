"""The bare page the metered article is compared against: same server, same middleware."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

_HEAD = (
    b'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
    b"<title>Bare</title></head><body><p>"
)
_TAIL = b"</p></body></html>\n"
_FILL = b"The quick brown fox jumps over the lazy dog while the markets close a little higher. "


def bare_body(size: int) -> bytes:
    """Exactly ``size`` bytes of HTML (a plain run of bytes if ``size`` is tiny)."""
    if size < len(_HEAD) + len(_TAIL):
        return b"x" * size
    room = size - len(_HEAD) - len(_TAIL)
    fill = (_FILL * (room // len(_FILL) + 1))[:room]
    return _HEAD + fill + _TAIL


def bare(request: HttpRequest, size: int) -> HttpResponse:
    return HttpResponse(bare_body(size), content_type="text/html; charset=utf-8")
