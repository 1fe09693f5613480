"""A send whose claim lapses mid-batch and is taken over by a second sender (both transports)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from masthead.newsletters import sending


def send_taken_over(
    *, monkeypatch: pytest.MonkeyPatch, issue_id: int, sent: Callable[[], int], after: int = 2
) -> tuple[sending.SendReport, sending.SendReport]:
    """Send ``issue_id`` in batches of 5; once ``sent()`` reaches ``after``, the first sender
    stalls past its lease and a second one takes the batch over. (The second report's
    placeholder goes in first: the second sender's own marks come through here too.)"""
    clock = [timezone.now()]
    real_mark = sending._Marks.sent
    second: list[sending.SendReport] = []

    def stall_then_take_over(self: Any, pk: int, at: dt.datetime) -> None:
        real_mark(self, pk, at)
        if sent() == after and not second:
            second.append(sending.SendReport(issue_id=issue_id))
            clock[0] += dt.timedelta(seconds=settings.NEWSLETTERS_CLAIM_SECONDS + 1)
            second[0] = sending.send_issue(issue_id=issue_id, batch_size=5, now=lambda: clock[0])

    monkeypatch.setattr(sending._Marks, "sent", stall_then_take_over)
    first = sending.send_issue(issue_id=issue_id, batch_size=5, now=lambda: clock[0])
    return first, second[0]
