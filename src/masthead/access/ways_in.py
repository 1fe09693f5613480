"""Where each benefit is used: the "Your benefits" page lists these.

Each app that serves a benefit registers its way in from its ``AppConfig.ready()``, so the
benefits page never imports the e-paper, newsletters or devices apps (and they never edit it).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class WayIn:
    benefit: str
    label: str  # the link's words, e.g. "Read today's e-paper"
    url_name: str  # reversed without arguments


_ways_in: dict[tuple[str, str], WayIn] = {}


def register(*, benefit: str, label: str, url_name: str) -> None:
    """Idempotent: registering the same way in twice (tests reload apps) keeps one."""
    _ways_in[(benefit, url_name)] = WayIn(benefit=benefit, label=label, url_name=url_name)


def ways_in(*, benefit: str) -> list[WayIn]:
    return [way for way in _ways_in.values() if way.benefit == benefit]
