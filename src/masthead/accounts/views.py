from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from masthead.access.gate import may_use
from masthead.access.selectors import active_grants
from masthead.accounts.selectors import plan_benefits


@require_safe
@login_required
def my_account(request: HttpRequest) -> HttpResponse:
    grants = active_grants(user_id=request.user.pk or 0).order_by("benefit")
    return render(request, "accounts/me.html", {"grants": grants})


@require_safe
@login_required
def benefits(request: HttpRequest) -> HttpResponse:
    """What the reader's plan includes, each with its way in; what the rest would give."""
    reader = request.reader  # type: ignore[attr-defined]
    listed = plan_benefits(held=lambda benefit: may_use(reader=reader, benefit=benefit).full)
    return render(
        request,
        "accounts/benefits.html",
        {
            "held": [b for b in listed if b.held],
            "missing": [b for b in listed if not b.held],
            "subscribe_url": reverse("billing:subscribe"),
        },
    )
