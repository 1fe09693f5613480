"""Who hears about the gate's story decisions: ``settings.ACCESS_DECISION_OBSERVERS``.

The story page calls ``story_decided`` once per reader request after ``decide``; each observer
named in the setting (dotted paths, resolved once with ``import_string``) gets the request, the
story and the decision. Access imports none of them, so insights (or anything else that wants
the funnel) plugs in through settings, as the prompt's offers do (``ACCESS_OFFERS_PROVIDER``).
An observer must be cheap and must never raise into the page: a failing one is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache
from typing import Protocol

from django.conf import settings
from django.http import HttpRequest
from django.utils.module_loading import import_string

from masthead.access.gate import Decision

logger = logging.getLogger(__name__)


class StoryObserver(Protocol):
    def __call__(
        self, *, request: HttpRequest, story_id: int, section_slug: str, decision: Decision
    ) -> None: ...


@lru_cache(maxsize=1)
def _observers() -> tuple[Callable[..., None], ...]:
    return tuple(import_string(path) for path in getattr(settings, "ACCESS_DECISION_OBSERVERS", []))


def story_decided(
    *, request: HttpRequest, story_id: int, section_slug: str, decision: Decision
) -> None:
    for observer in _observers():
        try:
            observer(
                request=request, story_id=story_id, section_slug=section_slug, decision=decision
            )
        except Exception:  # an observer's failure must never cost the reader the story
            logger.exception("story observer %s failed", observer)
