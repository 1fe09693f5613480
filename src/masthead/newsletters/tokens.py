"""Signed links in newsletter emails: confirming an address, and unsubscribing in one click.

A confirmation link expires (it turns an address into a recipient); an unsubscribe link does
not, because RFC 8058 expects the header in a months-old email to keep working, and all it can
do is take its own address off one list.
"""

from __future__ import annotations

from django.core import signing

CONFIRM_SALT = "masthead.newsletters.confirm"
UNSUBSCRIBE_SALT = "masthead.newsletters.unsubscribe"
CONFIRM_MAX_AGE = 60 * 60 * 24 * 7  # a week to click the confirmation link

_unsubscribe_signer = signing.Signer(salt=UNSUBSCRIBE_SALT)


class BadToken(Exception):
    """The link was altered, made up, or (for confirmation) has expired."""


def confirm_token(*, signup_ids: list[int], email: str) -> str:
    return signing.dumps({"s": signup_ids, "e": email}, salt=CONFIRM_SALT, compress=True)


def read_confirm_token(token: str) -> tuple[list[int], str]:
    try:
        payload = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise BadToken("expired") from exc
    except signing.BadSignature as exc:
        raise BadToken("altered") from exc
    ids, email = payload.get("s"), payload.get("e")
    if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
        raise BadToken("altered")
    if not isinstance(email, str):
        raise BadToken("altered")
    return ids, email


def unsubscribe_token(*, signup_id: int) -> str:
    return _unsubscribe_signer.sign(str(signup_id))


def read_unsubscribe_token(token: str) -> int:
    try:
        value = _unsubscribe_signer.unsign(token)
    except signing.BadSignature as exc:
        raise BadToken("altered") from exc
    if not value.isdigit():
        raise BadToken("altered")
    return int(value)
