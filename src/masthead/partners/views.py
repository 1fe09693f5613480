"""The reader's partner code page: shows (and, when due, claims) their code from each pool."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from masthead.partners import selectors, services
from masthead.partners.models import PartnerCode, PartnerPool


@dataclass(frozen=True, slots=True)
class Offer:
    pool: PartnerPool
    code: PartnerCode | None = None
    eligibility: services.Eligibility | None = None
    pool_empty: bool = False


@require_safe
@login_required
@never_cache
def my_partner_codes(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # login_required
    offers = []
    for pool in selectors.pools_for_reader(user_id=user.pk):
        # A reader who is due a code gets it here at once, rather than at the next sweep.
        try:
            offers.append(Offer(pool=pool, code=services.claim_code(user=user, pool=pool)))
        except services.NotEligible as refusal:
            offers.append(Offer(pool=pool, eligibility=refusal.eligibility))
        except services.PoolEmpty:
            offers.append(Offer(pool=pool, pool_empty=True))
    return render(request, "partners/mine.html", {"offers": offers})
