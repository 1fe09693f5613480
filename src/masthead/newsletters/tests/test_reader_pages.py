"""Signing up (double opt-in), preferences, one-click unsubscribe, the story page's box."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from masthead.newsletters import tokens
from masthead.newsletters.models import Audience, Signup, SignupStatus
from masthead.newsletters.tests.conftest import active_signup, newsletter, reader, subscriber
from masthead.ops import testing

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://[^\s\"<>]+/newsletters/confirm/[^\s\"<>/]+/")


def _sign_up(client: Client, email: str, *slugs: str) -> Any:
    return client.post(reverse("newsletters:sign_up"), {"email": email, "newsletters": list(slugs)})


def _confirm_link(outbox: list[Any]) -> str:
    (message,) = outbox
    found = LINK.search(message.body)
    assert found, message.body
    return found.group(0).split("127.0.0.1:8000", 1)[-1]


def test_an_anonymous_sign_up_starts_only_after_the_address_is_confirmed(
    client: Client, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    newsletter("markets")
    newsletter("tech")
    with django_capture_on_commit_callbacks(execute=True):
        response = _sign_up(client, "  New.Reader@Example.com ", "markets", "tech")
    assert response.status_code == 200
    assert "Check your inbox" in response.content.decode()
    assert set(Signup.objects.values_list("status", flat=True)) == {SignupStatus.PENDING}
    link = _confirm_link(mailoutbox)
    assert mailoutbox[0].to == ["new.reader@example.com"]

    # Opening the link (or a mail scanner fetching it) confirms nothing by itself.
    page = client.get(link)
    assert page.status_code == 200 and "Confirm my address" in page.content.decode()
    assert not Signup.objects.filter(status=SignupStatus.ACTIVE).exists()

    done = Client(enforce_csrf_checks=False).post(link)
    assert done.status_code == 200
    assert "Markets, Tech will be sent to" in done.content.decode()
    assert set(Signup.objects.values_list("status", flat=True)) == {SignupStatus.ACTIVE}


def test_a_tampered_or_expired_confirmation_link_is_refused_with_a_way_forward(
    client: Client, settings: Any
) -> None:
    news = newsletter()
    signup = Signup.objects.create(newsletter=news, email="x@example.com", status="pending")
    good = tokens.confirm_token(signup_ids=[signup.pk], email="x@example.com")
    forged = reverse("newsletters:confirm", args=[good[:-3] + "abc"])
    response = client.post(forged)
    assert response.status_code == 400
    assert "not valid" in response.content.decode()

    expired = signing.dumps(
        {"s": [signup.pk], "e": "x@example.com"}, salt=tokens.CONFIRM_SALT, compress=True
    )
    tokens_max_age = tokens.CONFIRM_MAX_AGE
    try:
        tokens.CONFIRM_MAX_AGE = -1
        response = client.post(reverse("newsletters:confirm", args=[expired]))
    finally:
        tokens.CONFIRM_MAX_AGE = tokens_max_age
    assert response.status_code == 400
    assert "expired" in response.content.decode() and "Sign up again" in response.content.decode()
    signup.refresh_from_db()
    assert signup.status == SignupStatus.PENDING


def test_a_bad_address_or_no_choice_gets_a_clear_error_and_nothing_saved(
    client: Client,
) -> None:
    newsletter()
    response = _sign_up(client, "not-an-address", "markets")
    assert response.status_code == 400
    assert "name@example.com" in response.content.decode()
    response = _sign_up(client, "fine@example.com")
    assert response.status_code == 400
    assert "Choose at least one newsletter" in response.content.decode()
    assert not Signup.objects.exists()


def test_a_subscriber_only_newsletter_is_not_offered_to_readers_without_the_benefit(
    client: Client,
) -> None:
    newsletter("finance", audience=Audience.SUBSCRIBERS)
    response = _sign_up(client, "someone@example.com", "finance")
    assert response.status_code == 400
    assert not Signup.objects.exists()

    paying = subscriber("paying@example.com")
    client.force_login(paying)
    response = _sign_up(client, "paying@example.com", "finance")
    assert response.status_code == 200
    assert Signup.objects.get().status == SignupStatus.ACTIVE, "verified address: no opt-in"


def test_preferences_page_lists_every_newsletter_and_saves_the_toggles(
    client: Client,
) -> None:
    for slug in ("markets", "finance", "politics", "tech"):
        newsletter(slug, audience=Audience.SUBSCRIBERS if slug == "finance" else "confirmed_email")
    user = reader("toggles@example.com")
    client.force_login(user)
    page = client.get(reverse("newsletters:preferences")).content.decode()
    for name in ("Markets", "Finance", "Politics", "Tech"):
        assert name in page
    assert 'value="finance" id="nl-finance" disabled' in page

    client.post(reverse("newsletters:preferences"), {"newsletters": ["markets", "tech"]})
    assert set(
        Signup.objects.filter(status=SignupStatus.ACTIVE).values_list("newsletter__slug", flat=True)
    ) == {"markets", "tech"}
    client.post(reverse("newsletters:preferences"), {"newsletters": ["tech"]})
    assert dict(Signup.objects.values_list("newsletter__slug", "status")) == {
        "markets": SignupStatus.UNSUBSCRIBED,
        "tech": SignupStatus.ACTIVE,
    }


def test_one_click_unsubscribe_works_without_signing_in_or_a_csrf_token() -> None:
    signup = active_signup(newsletter(), "leaving@example.com")
    url = reverse("newsletters:unsubscribe", args=[tokens.unsubscribe_token(signup_id=signup.pk)])
    client = Client(enforce_csrf_checks=True)

    shown = client.get(url)
    assert shown.status_code == 200 and "Unsubscribe" in shown.content.decode()
    signup.refresh_from_db()
    assert signup.status == SignupStatus.ACTIVE, "opening the link changes nothing"

    # What a mail client sends for RFC 8058's List-Unsubscribe-Post.
    done = client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert done.status_code == 200
    signup.refresh_from_db()
    assert signup.status == SignupStatus.UNSUBSCRIBED and signup.unsubscribed_at is not None
    assert client.post(url).status_code == 200, "a second click is harmless"


def test_a_forged_unsubscribe_link_unsubscribes_nobody() -> None:
    signup = active_signup(newsletter(), "stay@example.com")
    other = tokens.unsubscribe_token(signup_id=signup.pk + 1)
    forged = f"{signup.pk}:{other.split(':', 1)[1]}"
    response = Client().post(reverse("newsletters:unsubscribe", args=[forged]))
    assert response.status_code == 400
    signup.refresh_from_db()
    assert signup.status == SignupStatus.ACTIVE


def test_story_pages_offer_the_newsletters_without_anything_about_the_reader(
    client: Client,
) -> None:
    newsletter("markets")
    newsletter("tech")
    story = testing.article(access_level="free")
    anonymous = client.get(story.get_absolute_url()).content.decode()
    assert 'aria-labelledby="newsletter-box-title"' in anonymous
    assert 'value="markets"' in anonymous and 'value="tech"' in anonymous

    # Served from the same cached shell to a signed-in reader: the box is the same bytes.
    signed_in = Client()
    signed_in.force_login(reader("box@example.com"))
    page = signed_in.get(story.get_absolute_url()).content.decode()
    box = re.compile(r'<aside class="newsletter-box".*?</aside>', re.S)
    mine, theirs = box.search(page), box.search(anonymous)
    assert mine is not None and theirs is not None
    assert mine.group(0) == theirs.group(0)
    assert "box@example.com" not in mine.group(0)


def test_the_benefits_page_finds_its_way_to_the_newsletters() -> None:
    from masthead.access import ways_in
    from masthead.access.models import Benefit

    (way,) = ways_in.ways_in(benefit=Benefit.NEWSLETTERS)
    assert way.label == "Choose your newsletters"
    assert reverse(way.url_name) == "/newsletters/"


def test_signing_up_an_address_already_on_the_list_reveals_nothing(
    client: Client, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    news = newsletter()
    active_signup(news, "known@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        known = _sign_up(client, "known@example.com", "markets").content.decode()
        new = _sign_up(client, "unknown@example.com", "markets").content.decode()
    outcome = re.compile(r'<p class="signup-outcome">.*?</p>', re.S)
    said_known, said_new = outcome.search(known), outcome.search(new)
    assert said_known is not None and said_new is not None
    assert said_known.group(0).replace("known@", "X@") == said_new.group(0).replace(
        "unknown@", "X@"
    )
    assert [m.to for m in mailoutbox] == [["unknown@example.com"]]


def test_a_subscriber_cannot_put_someone_elses_address_on_a_subscriber_only_newsletter(
    client: Client, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    newsletter("finance", audience=Audience.SUBSCRIBERS)
    client.force_login(subscriber("paying@example.com"))
    with django_capture_on_commit_callbacks(execute=True):
        response = _sign_up(client, "friend@example.com", "finance")
    assert response.status_code == 400
    assert "Finance is for subscribers with the newsletters benefit" in response.content.decode()
    assert not Signup.objects.exists()
    assert mailoutbox == []


def test_an_address_a_subscriber_signs_up_for_someone_else_gets_what_anyone_would(
    client: Client,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
    gated_stories: list[Any],
) -> None:
    from masthead.newsletters import sending, services
    from masthead.newsletters.tests.conftest import issue

    markets = newsletter("markets")
    paying = subscriber("paying@example.com")
    client.force_login(paying)
    with django_capture_on_commit_callbacks(execute=True):
        _sign_up(client, "paying@example.com", "markets")  # their own: starts at once
        response = _sign_up(client, " Friend@Example.com", "markets")
    assert response.status_code == 200
    assert "Check your inbox" in response.content.decode()
    friend = Signup.objects.get(email="friend@example.com")
    assert friend.status == SignupStatus.PENDING, "someone else's address confirms first"
    assert friend.user_id is None, "and is not tied to the subscriber's account"
    assert Client().post(_confirm_link(mailoutbox)).status_code == 200
    mailoutbox.clear()

    premium = gated_stories[2]
    made = issue(markets, [premium])
    services.schedule(issue_id=made.pk, send_at=made.created_at)
    sending.send_issue(issue_id=made.pk)

    got = {m.to[0]: m.body + "".join(str(a[0]) for a in m.alternatives) for m in mailoutbox}
    assert set(got) == {"paying@example.com", "friend@example.com"}
    secrets = [p for p in testing.PARAGRAPHS if p.startswith("SECRET")]
    assert all(s in got["paying@example.com"] for s in secrets), "the subscriber reads it all"
    friends = got["friend@example.com"]
    assert premium.headline in friends and premium.standfirst in friends
    assert premium.get_absolute_url() in friends
    assert not any(s in friends for s in secrets), "headline, standfirst and link only"


def test_the_sign_up_service_never_starts_or_links_another_persons_address() -> None:
    from masthead.newsletters import services

    markets = newsletter("markets")
    paying = subscriber("paying@example.com")
    result = services.sign_up(
        newsletters=[markets], email="friend@example.com", user=paying, email_verified=True
    )
    assert result.active == [] and len(result.to_confirm) == 1
    friend = Signup.objects.get()
    assert (friend.status, friend.user_id) == (SignupStatus.PENDING, None)

    # Their own address, typed differently, is still theirs.
    mine = services.sign_up(
        newsletters=[markets], email=" Paying@Example.COM", user=paying, email_verified=True
    )
    assert mine.active == [markets]
    assert Signup.objects.get(email="paying@example.com").user_id == paying.pk
