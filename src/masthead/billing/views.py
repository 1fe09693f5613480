from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

from masthead.access.selectors import benefit_copy
from masthead.billing.selectors import plan_offers


@require_safe
def subscribe(request: HttpRequest) -> HttpResponse:
    """The plans and what they include. Choosing a plan leads on to checkout."""
    offers = plan_offers()
    chosen_slug = request.GET.get("plan", "")
    chosen = next((o for o in offers if o.slug == chosen_slug), None)
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    return render(
        request,
        "billing/subscribe.html",
        {
            "offers": offers,
            "chosen": chosen,
            "unknown_plan": bool(chosen_slug) and chosen is None,
            "benefits": benefit_copy(),
            "next_url": next_url,
        },
    )
