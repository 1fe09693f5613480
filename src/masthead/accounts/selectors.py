"""Reading what a reader's account page shows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from masthead.access import ways_in
from masthead.access.models import Benefit
from masthead.access.selectors import benefit_copy


@dataclass(frozen=True, slots=True)
class WayInLink:
    label: str
    url: str


@dataclass(frozen=True, slots=True)
class PlanBenefit:
    benefit: str
    title: str
    description: str
    held: bool
    ways_in: tuple[WayInLink, ...]


def plan_benefits(*, held: Callable[[str], bool]) -> list[PlanBenefit]:
    """Every benefit, in the publisher's order (benefit copy), then any without copy.

    ``held`` is the gate's answer for this reader (``access.gate.may_use``): this page never
    reads grants itself. Ways in come from the apps that serve each benefit.
    """
    copies = {copy.benefit: copy for copy in benefit_copy()}
    order = [b for b in copies if b in Benefit.values] + [
        b for b in Benefit.values if b not in copies
    ]
    listed = []
    for benefit in order:
        copy = copies.get(benefit)
        links = []
        for way in ways_in.ways_in(benefit=benefit):
            try:
                links.append(WayInLink(label=way.label, url=reverse(way.url_name)))
            except NoReverseMatch:  # an app registered a way in it no longer serves
                continue
        listed.append(
            PlanBenefit(
                benefit=benefit,
                title=copy.title if copy else Benefit(benefit).label,
                description=copy.description if copy else "",
                held=held(benefit),
                ways_in=tuple(links),
            )
        )
    return listed
