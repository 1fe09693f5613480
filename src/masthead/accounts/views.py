from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from masthead.access.selectors import active_grants


@require_safe
@login_required
def my_account(request: HttpRequest) -> HttpResponse:
    grants = active_grants(user_id=request.user.pk or 0).order_by("benefit")
    return render(request, "accounts/me.html", {"grants": grants})
