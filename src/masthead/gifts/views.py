"""Gift pages: give a story, list and revoke one's gifts, and open a gift link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from masthead.access.gate import Context, may_use
from masthead.gifts import selectors, services
from masthead.gifts.links import GiftLinkInvalid, gift_from_token, path_for
from masthead.gifts.models import Gift
from masthead.gifts.rules import GIVING_BENEFIT, gift_lifetime
from masthead.gifts.selectors import GiftState, state_of
from masthead.pages import page_cache
from masthead.pages.views import counts_as_a_read, story_page

# A gift page is one reader's private link: never indexed, never kept by a shared cache.
_GIFT_HEADERS = {"X-Robots-Tag": "noindex, nofollow"}


def _private(response: HttpResponse) -> HttpResponse:
    for name, value in _GIFT_HEADERS.items():
        response[name] = value
    return response


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required
    return user


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def give(request: HttpRequest, article_id: int) -> HttpResponse:
    story = selectors.giftable_story(article_id=article_id)
    if story is None:
        raise Http404("No published story has this number.")
    user = _user(request)
    now = timezone.now()
    if request.method == "POST":
        try:
            given = services.give_story(giver=user, article=story, now=now)
        except services.GiftRefused as refusal:
            messages.error(request, str(refusal))
        else:
            if given.created:
                messages.success(request, f"Your gift link for “{story.headline}” is ready.")
            else:
                messages.info(request, f"You already gave “{story.headline}”: here is its link.")
            return HttpResponseRedirect(f"{reverse('gifts:mine')}#gift-{given.gift.pk}")
    reader = request.reader  # type: ignore[attr-defined]
    return render(
        request,
        "gifts/give.html",
        {
            "story": story,
            "may_give": may_use(reader=reader, benefit=GIVING_BENEFIT).full,
            "left": selectors.gifts_left(giver_id=user.pk, now=now),
            "allowance": selectors.monthly_allowance(),
            "gift_days": gift_lifetime().days,
        },
    )


@login_required
@require_safe
def my_gifts(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    now = timezone.now()
    gifts = [
        {
            "gift": gift,
            "state": state_of(gift, now=now),
            "url": request.build_absolute_uri(path_for(gift)),
        }
        for gift in selectors.gifts_of(giver_id=user.pk)
    ]
    reader = request.reader  # type: ignore[attr-defined]
    return render(
        request,
        "gifts/mine.html",
        {
            "gifts": gifts,
            "left": selectors.gifts_left(giver_id=user.pk, now=now),
            "allowance": selectors.monthly_allowance(),
            "renews": selectors.next_month_starts(now=now),
            "may_give": may_use(reader=reader, benefit=GIVING_BENEFIT).full,
            "live": GiftState.LIVE,
        },
    )


@login_required
@require_POST
def revoke(request: HttpRequest, gift_id: int) -> HttpResponse:
    try:
        gift = services.revoke_gift(gift_id=gift_id, giver=_user(request))
    except Gift.DoesNotExist as exc:
        raise Http404("You have no gift with this number.") from exc
    messages.success(
        request, f"The gift link for “{gift.article.headline}” no longer opens the story."
    )
    return HttpResponseRedirect(reverse("gifts:mine"))


@require_safe
def open_gift(request: HttpRequest, token: str) -> HttpResponse:
    try:
        gift = gift_from_token(token)
    except GiftLinkInvalid:
        return _private(render(request, "gifts/invalid.html", status=404))
    now = timezone.now()
    state = state_of(gift, now=now)
    if state != GiftState.LIVE:
        return _private(
            render(
                request,
                "gifts/ended.html",
                {"gift": gift, "revoked": state == GiftState.REVOKED},
                status=410,
            )
        )
    kit = page_cache.article_kit(slug=gift.article.slug)  # Http404 if since unpublished
    counts = counts_as_a_read(request)
    if counts:
        services.record_open(gift=gift, now=now)
    messages.info(
        request,
        "A subscriber gave you this story: read it in full until "
        f"{date_format(timezone.localtime(gift.expires_at), 'j F Y')}.",
    )
    # The gift opens exactly its story (the token's signature binds the two), and only the
    # gate decides: a verified live gift in the context lets it in without the meter.
    return story_page(
        request,
        kit=kit,
        context=Context(count=counts, gifted_article_id=gift.article_id),
        headers=_GIFT_HEADERS,
    )
