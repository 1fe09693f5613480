"""Reading what a reader's account page shows, and where a staff member's second factor stands."""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from allauth.mfa.models import Authenticator
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


# --- Staff: the second factor (masthead.accounts.middleware.StaffSecondFactorMiddleware) ---

SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


class SecondFactor(enum.Enum):
    MISSING = "missing"
    NOT_SHOWN = "not shown"
    SHOWN = "shown"


def second_factor(*, user_id: int, records: list[dict[str, Any]]) -> SecondFactor:
    """Where a staff member's session stands; ``records`` are allauth's sign-in steps for it.

    A session has shown the factor when allauth recorded a second-factor step at sign-in, or
    when a factor was set up after the session's sign-in (setting one up needs a valid code).
    """
    added = list(
        Authenticator.objects.filter(user_id=user_id, type__in=SECOND_FACTORS).values_list(
            "created_at", flat=True
        )
    )
    if not added:
        return SecondFactor.MISSING
    if any(record.get("method") == "mfa" for record in records):
        return SecondFactor.SHOWN
    signed_in_at = max((float(record.get("at") or 0) for record in records), default=None)
    if signed_in_at and any(when.timestamp() >= signed_in_at for when in added):
        return SecondFactor.SHOWN
    return SecondFactor.NOT_SHOWN


def may_add_first_factor_now(
    *, user_id: int, records: list[dict[str, Any]], within_seconds: int
) -> bool:
    """True for a session that signed in within the last ``within_seconds`` to an account that
    had no second factor when it did: setting up that first factor, and seeing its recovery
    codes, then needs no second password. Any factor older than the session says otherwise."""
    signed_in_at = max((float(record.get("at") or 0) for record in records), default=0.0)
    if not signed_in_at or time.time() - signed_in_at >= within_seconds:
        return False
    added = Authenticator.objects.filter(user_id=user_id).values_list("created_at", flat=True)
    return all(when.timestamp() >= signed_in_at for when in added)
