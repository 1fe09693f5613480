"""Attach ``request.reader``: the account if signed in, else a signed first-party cookie.

Also carries the meter across sign-in (anonymous count into the account's) and sign-out
(account's count into the browser's), so neither resets it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from masthead.access.gate import meter_store
from masthead.access.identity import (
    ForgedCookie,
    Reader,
    ReaderCookie,
    dump_cookie,
    load_cookie,
    new_cookie,
)
from masthead.access.services import carry_meter
from masthead.core.net import client_ip


def _period_key() -> str:
    return timezone.localtime().strftime("%Y-%m")


class ReaderIdentityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        cookie, forged, changed = self._read_cookie(request)
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else None

        if user_id is not None and cookie.linked_user_id != user_id:
            # Signed in since the last request: the browser's count joins the account's.
            carry_meter(
                store=meter_store(),
                from_key=f"a:{cookie.anonymous_id}",
                into_key=f"u:{user_id}",
            )
            # The proof named the browser's key, and its count is now the account's: drop it.
            cookie = ReaderCookie(cookie.anonymous_id, user_id, cookie.spent_until)
            changed = True
        elif user_id is None and cookie.linked_user_id is not None:
            # Signed out: the browser keeps what the account had read.
            carry_meter(
                store=meter_store(),
                from_key=f"u:{cookie.linked_user_id}",
                into_key=f"a:{cookie.anonymous_id}",
            )
            # The browser's count just grew by the account's: its old proof would understate it.
            cookie = ReaderCookie(cookie.anonymous_id, None, cookie.spent_until)
            changed = True

        reader = Reader(
            user_id=user_id,
            anonymous_id=cookie.anonymous_id,
            ip=client_ip(request),
            user_agent=str(request.META.get("HTTP_USER_AGENT", ""))[:300],
            forged=forged and user_id is None,
            proof=cookie.proof,
        )
        request.reader = reader  # type: ignore[attr-defined]
        response = self.get_response(request)
        if reader.proof_changed:
            cookie, changed = cookie.with_proof(reader.proof), True
        if changed or (reader.touched and settings.READER_COOKIE_NAME not in request.COOKIES):
            response.set_cookie(
                settings.READER_COOKIE_NAME,
                dump_cookie(cookie),
                max_age=settings.READER_COOKIE_MAX_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    @staticmethod
    def _read_cookie(request: HttpRequest) -> tuple[ReaderCookie, bool, bool]:
        """(cookie, forged, needs rewriting)."""
        raw = request.COOKIES.get(settings.READER_COOKIE_NAME)
        if raw is None:
            return new_cookie(), False, False
        try:
            cookie = load_cookie(raw)
        except ForgedCookie:
            # Replace it with a genuine one that is spent for the rest of this period.
            fresh = new_cookie()
            return ReaderCookie(fresh.anonymous_id, None, _period_key()), True, True
        spent = cookie.spent_until is not None and cookie.spent_until >= _period_key()
        return cookie, spent, False
