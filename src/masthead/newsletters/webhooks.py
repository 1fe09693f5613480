"""Bounces and complaints from the email provider: verified, then the address is suppressed.

The endpoint is provider-agnostic. The provider (or a small relay in front of it) POSTs JSON
events in anymail's normalized shape::

    {"events": [{"event_type": "bounced", "recipient": "reader@example.com",
                 "event_id": "abc123", "description": "550 5.1.1 user unknown"}]}

(a single event object, or a bare list of them, is accepted too) with the header
``X-Masthead-Signature: sha256=<hex HMAC-SHA256 of the raw body, key NEWSLETTERS_WEBHOOK_SECRET>``.
``bounced`` and ``complained`` suppress the recipient; other event types (``delivered``,
``deferred``, ``opened``...) are accepted and ignored. With django-anymail installed instead, a
receiver of anymail's ``tracking`` signal can call ``record_events`` with the same fields.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from masthead.newsletters import services
from masthead.newsletters.models import SuppressionReason

SIGNATURE_HEADER = "X-Masthead-Signature"
SUPPRESSING = {
    "bounced": SuppressionReason.BOUNCE,
    "complained": SuppressionReason.COMPLAINT,
}


class BadWebhook(Exception):
    """Unsigned, wrongly signed or unreadable: refused, and nothing recorded."""


def signature(body: bytes) -> str:
    secret = settings.NEWSLETTERS_WEBHOOK_SECRET.encode()
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def verify(*, body: bytes, header: str) -> None:
    if not settings.NEWSLETTERS_WEBHOOK_SECRET:
        raise BadWebhook("NEWSLETTERS_WEBHOOK_SECRET is not set: webhooks are refused.")
    if not header or not hmac.compare_digest(signature(body), header.strip()):
        raise BadWebhook("The signature does not match the body.")


@dataclass(frozen=True, slots=True)
class Outcome:
    received: int
    suppressed: int


def _events(payload: Any) -> list[dict[str, Any]]:
    if isinstance(payload, dict) and isinstance(payload.get("events"), list):
        payload = payload["events"]
    if isinstance(payload, dict):
        payload = [payload]
    if not isinstance(payload, list) or not all(isinstance(e, dict) for e in payload):
        raise BadWebhook('Expected an event object, a list of them, or {"events": [...]}.')
    return payload


def ingest(*, body: bytes, header: str) -> Outcome:
    verify(body=body, header=header)
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadWebhook("The body is not JSON.") from exc
    return record_events(events=_events(payload))


def record_events(*, events: list[dict[str, Any]]) -> Outcome:
    suppressed = 0
    for event in events:
        reason = SUPPRESSING.get(str(event.get("event_type", "")))
        recipient = str(event.get("recipient", "")).strip()
        if reason is None or "@" not in recipient:
            continue
        detail = str(event.get("description") or event.get("reject_reason") or "")
        services.suppress(email=recipient, reason=reason, detail=detail)
        suppressed += 1
    return Outcome(received=len(events), suppressed=suppressed)
