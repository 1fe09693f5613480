"""The paywall prompt as a reader sees it: rendered copy, the plans and the benefits."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from masthead.access.copy import render_copy
from masthead.access.gate import Decision
from masthead.access.models import BenefitCopy, PromptKind
from masthead.access.offers import PlanOffer, current_offers, with_next
from masthead.access.selectors import benefit_copy, prompt_copy

# Used when the publisher has not written copy for a kind yet; same placeholders.
DEFAULT_COPY: dict[str, dict[str, str]] = {
    PromptKind.METER_ANONYMOUS: {
        "heading": "You’ve reached your limit of {free_limit} free articles this month.",
        "message": "Subscribe now for unlimited access.",
        "button_label": "Subscribe to read the full story →",
        "secondary": "",
        "footnote": "Renews automatically, cancel anytime",
    },
    PromptKind.REGISTRATION: {
        "heading": "You’ve reached your limit of {free_limit} free articles this month.",
        "message": "Subscribe now for unlimited access.",
        "button_label": "Subscribe to read the full story →",
        "secondary": "Register free for {register_bonus} more stories this month",
        "footnote": "Renews automatically, cancel anytime",
    },
    PromptKind.METER_REGISTERED: {
        "heading": "You’ve read your {free_limit} free articles this month.",
        "message": ("Subscribe for unlimited access, from {cheapest_monthly} a month."),
        "button_label": "Subscribe to read the full story →",
        "secondary": "",
        "footnote": "Renews automatically, cancel anytime",
    },
    PromptKind.PREMIUM_ANONYMOUS: {
        "heading": "This is a premium story.",
        "message": "Subscribe to read it and every premium story, from {cheapest_monthly} a month.",
        "button_label": "Subscribe to read the full story →",
        "secondary": "",
        "footnote": "Renews automatically, cancel anytime",
    },
    PromptKind.PREMIUM_REGISTERED: {
        "heading": "This is a premium story.",
        "message": "Subscribe to read it and every premium story, from {cheapest_monthly} a month.",
        "button_label": "Subscribe to read the full story →",
        "secondary": "",
        "footnote": "Renews automatically, cancel anytime",
    },
    PromptKind.MARKET_ANONYMOUS: {
        "heading": "This is market analysis for subscribers.",
        "message": (
            "Subscribe for in-depth market analysis and investment insights, "
            "from {cheapest_monthly} a month."
        ),
        "button_label": "Subscribe to read the analysis →",
        "secondary": "",
        "footnote": "Renews automatically, cancel anytime",
    },
    PromptKind.MARKET_REGISTERED: {
        "heading": "This is market analysis for subscribers.",
        "message": (
            "Subscribe for in-depth market analysis and investment insights, "
            "from {cheapest_monthly} a month."
        ),
        "button_label": "Subscribe to read the analysis →",
        "secondary": "",
        "footnote": "Renews automatically, cancel anytime",
    },
    PromptKind.ARCHIVE_ANONYMOUS: {
        "heading": "This story is from our archives.",
        "message": (
            "Subscribe to read it and every story in our archives, from {cheapest_monthly} a month."
        ),
        "button_label": "Subscribe to open the archives →",
        "secondary": "",
        "footnote": "Renews automatically, cancel anytime",
    },
    PromptKind.ARCHIVE_REGISTERED: {
        "heading": "This story is from our archives.",
        "message": (
            "Subscribe to read it and every story in our archives, from {cheapest_monthly} a month."
        ),
        "button_label": "Subscribe to open the archives →",
        "secondary": "",
        "footnote": "Renews automatically, cancel anytime",
    },
}


@dataclass(frozen=True)
class Prompt:
    kind: str
    heading: str
    message: str
    button_label: str
    secondary: str
    footnote: str
    signed_in: bool
    offers: list[PlanOffer] = field(default_factory=list)
    benefits: list[BenefitCopy] = field(default_factory=list)
    subscribe_url: str = ""
    login_url: str = ""
    register_url: str = ""


def build_prompt(*, decision: Decision, signed_in: bool, next_url: str) -> Prompt | None:
    if decision.prompt is None:
        return None
    offers = list(current_offers())
    cheapest = min(offers, key=lambda o: o.per_month_minor, default=None)
    values: dict[str, object] = {
        "free_limit": decision.free_limit if decision.free_limit is not None else "",
        "remaining": decision.remaining if decision.remaining is not None else "",
        "read": decision.read if decision.read is not None else "",
        "register_bonus": decision.register_bonus,
        "cheapest_monthly": cheapest.per_month.split("/")[0] if cheapest else "",
        "publisher": settings.PUBLISHER_NAME,
    }
    stored = prompt_copy(kind=decision.prompt)
    source = (
        {
            "heading": stored.heading,
            "message": stored.message,
            "button_label": stored.button_label,
            "secondary": stored.secondary,
            "footnote": stored.footnote,
        }
        if stored
        else DEFAULT_COPY[decision.prompt]
    )
    rendered = {name: render_copy(text, values) for name, text in source.items()}
    query = "?" + urlencode({"next": next_url})
    return Prompt(
        kind=decision.prompt,
        signed_in=signed_in,
        offers=[with_next(offer, next_url=next_url) for offer in offers],
        benefits=benefit_copy(),
        subscribe_url=reverse("billing:subscribe") + query,
        login_url=reverse("account_login") + query,
        register_url=reverse("account_signup") + query,
        **rendered,
    )
