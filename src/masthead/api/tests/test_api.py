"""The apps' JSON API: tokens are devices within the same limit, and stories get the same
answers from the same gate as the story page."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from masthead.access.models import Audience
from masthead.devices.models import Device, DeviceKind, OverLimitChoice, SignOutReason
from masthead.devices.selectors import active_devices
from masthead.devices.tests.conftest import PASSWORD, PHONE_UA, signed_in
from masthead.ops import testing

pytestmark = pytest.mark.django_db

LEAD = testing.PARAGRAPHS[:2]
LATER = testing.PARAGRAPHS[2:]


def post_token(client: Client, email: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post(
        "/api/v1/tokens",
        json.dumps({"email": email, "password": password, "device_name": "Priya's phone", **extra}),
        content_type="application/json",
        HTTP_USER_AGENT="MeridianLedger-Android/3.2",
    )


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def token_for(client: Client, user: Any) -> str:
    response = post_token(client, user.email)
    assert response.status_code == 201, response.content
    return str(response.json()["token"])


def paragraphs(body: list[dict[str, Any]]) -> list[str]:
    return [b["html"] for b in body if b["type"] == "paragraph"]


def test_a_token_is_made_with_email_and_password_and_shown_once(client, reader):
    response = post_token(client, reader.email)

    assert response.status_code == 201
    data = response.json()
    assert data["token_type"] == "Bearer"
    assert data["token"].startswith("mh_")
    assert data["device"]["name"] == "Priya's phone"
    assert data["device"]["kind"] == "app"
    assert response["Cache-Control"] == "private, no-store"
    device = Device.objects.get(pk=data["device"]["id"])
    assert device.kind == DeviceKind.APP
    assert data["token"] not in device.token_hash  # only a hash is kept
    assert len(device.token_hash) == 64


def test_wrong_password_gets_the_login_pages_words_and_no_token(client, reader):
    response = post_token(client, reader.email, password="not-my-password-1")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_credentials"
    assert (
        "The email address or password you entered is not right"
        in (response.json()["error"]["message"])
    )
    unknown = post_token(client, "nobody@example.com")
    assert unknown.json() == response.json()
    assert not Device.objects.exists()


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        ("{not json", "application/json", "The request body is not valid JSON."),
        ("[]", "application/json", "Send a JSON object."),
        (json.dumps({"email": "a@example.com"}), "application/json", "Send your email address"),
        (
            json.dumps({"email": "reader@example.com", "password": PASSWORD, "device_name": " "}),
            "application/json",
            "Give the device a name",
        ),
        (
            json.dumps({"email": "x@example.com", "password": "y", "replace_device": "phone"}),
            "application/json",
            "replace_device must be the id of one of your devices.",
        ),
    ],
)
def test_bad_requests_say_what_was_wrong(client, reader, body, content_type, message):
    response = client.post("/api/v1/tokens", body, content_type=content_type)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_request"
    assert message in response.json()["error"]["message"]
    assert not Device.objects.exists()


def test_token_creation_is_rate_limited_per_address_of_the_caller(client, reader):
    codes = [client.post("/api/v1/tokens", {}).status_code for _ in range(11)]

    assert codes[:10] == [400] * 10
    assert codes[10] == 429
    limited = client.post("/api/v1/tokens", {})
    assert limited.json()["error"]["code"] == "rate_limited"
    assert limited["Retry-After"] == "60"


def test_password_guesses_through_the_api_count_against_the_login_pages_limit(client, reader):
    for _ in range(5):
        assert post_token(client, reader.email, password="guess-1234567").status_code == 401

    from_api = post_token(client, reader.email)
    from_web = Client().post("/accounts/login/", {"login": reader.email, "password": PASSWORD})

    assert from_api.status_code == 429
    assert from_api.json()["error"]["code"] == "too_many_attempts"
    assert "Too many attempts to log in with this email address" in from_web.content.decode()
    assert not Device.objects.exists()


def test_the_api_is_not_authenticated_by_a_session_cookie(client, reader):
    client.force_login(reader)
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="masthead"'
    assert client.get("/api/v1/me", **bearer("mh_made-up")).status_code == 401


def test_token_creation_needs_no_csrf_token_because_no_cookie_is_used(reader):
    app = Client(enforce_csrf_checks=True)
    assert post_token(app, reader.email).status_code == 201


def test_me_lists_benefits_from_the_gate_and_the_devices(client, subscriber):
    token = token_for(client, subscriber)
    response = client.get("/api/v1/me", **bearer(token))

    data = response.json()
    assert data["email"] == subscriber.email
    assert data["benefits"] == ["unlimited_stories", "devices"]
    assert data["device_limit"] == 5
    assert [d["current"] for d in data["devices"]] == [True]


def test_signing_the_app_out_ends_its_token(client, reader):
    token = token_for(client, reader)

    assert client.delete("/api/v1/tokens/current", **bearer(token)).status_code == 204
    assert client.get("/api/v1/me", **bearer(token)).status_code == 401
    assert Device.objects.get().signed_out_reason == SignOutReason.LOGOUT
    assert client.get("/api/v1/tokens/current", **bearer("x")).status_code == 401


def test_over_the_limit_the_app_gets_the_same_question_as_json(client, reader, browser_of):
    phone = browser_of(reader, PHONE_UA)
    token_for(client, reader)

    refused = post_token(client, reader.email)

    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "device_limit_reached"
    assert error["limit"] == 2
    assert {d["name"] for d in error["devices"]} == {"Chrome on Android", "Priya's phone"}
    phone_id = next(d["id"] for d in error["devices"] if d["kind"] == "browser")

    replaced = post_token(client, reader.email, replace_device=phone_id)

    assert replaced.status_code == 201
    assert [d["id"] for d in replaced.json()["signed_out"]] == [phone_id]
    assert not signed_in(phone)
    assert active_devices(user_id=reader.pk).count() == 2


def test_over_the_limit_with_sign_out_oldest_the_app_is_told_what_went(
    client, reader, browser_of, set_policy
):
    set_policy(when_over_limit=OverLimitChoice.SIGN_OUT_OLDEST)
    phone = browser_of(reader, PHONE_UA)
    token_for(client, reader)

    response = post_token(client, reader.email)

    assert response.status_code == 201
    assert [d["name"] for d in response.json()["signed_out"]] == ["Chrome on Android"]
    assert not signed_in(phone)


def test_an_app_token_takes_a_place_a_browser_would_need(client, reader):
    token_for(client, reader)
    token_for(client, reader)
    browser = Client(HTTP_USER_AGENT=PHONE_UA)
    response = browser.post("/accounts/login/", {"login": reader.email, "password": PASSWORD})
    assert response["Location"] == "/accounts/devices/choose/"


@pytest.fixture
def meter(db: Any) -> None:
    testing.rule(audience=Audience.REGISTERED, free_limit=2)


def test_stories_under_the_meter_come_whole_then_only_the_lead(client, reader, meter):
    token = token_for(client, reader)
    stories = [testing.article() for _ in range(3)]

    first = client.get(f"/api/v1/stories/{stories[0].pk}", **bearer(token)).json()
    second = client.get(f"/api/v1/stories/{stories[1].slug}", **bearer(token)).json()
    third = client.get(f"/api/v1/stories/{stories[2].pk}", **bearer(token)).json()

    assert first["full"] is True
    assert paragraphs(first["body"]) == testing.PARAGRAPHS
    assert first["meter"] == {"free_limit": 2, "read": 1, "remaining": 1}
    assert second["full"] is True
    assert third["full"] is False
    assert third["reason"] == "meter_used_up"
    assert third["prompt"] == "meter_registered"
    assert paragraphs(third["body"]) == LEAD
    assert not any(p in json.dumps(third) for p in LATER)


def test_the_app_and_the_story_page_share_one_meter(client, reader, meter):
    token = token_for(client, reader)
    read_in_app, read_on_web, unread = (testing.article() for _ in range(3))
    client.get(f"/api/v1/stories/{read_in_app.pk}", **bearer(token))
    web = Client()
    web.force_login(reader)
    assert LATER[-1] in web.get(read_on_web.get_absolute_url()).content.decode()

    in_app = client.get(f"/api/v1/stories/{unread.pk}", **bearer(token)).json()
    on_web = web.get(unread.get_absolute_url()).content.decode()
    again = client.get(f"/api/v1/stories/{read_on_web.pk}", **bearer(token)).json()

    assert in_app["full"] is False
    assert LATER[-1] not in on_web
    assert again["full"] is True  # already counted on the web: re-reading is free


def test_premium_stories_need_the_benefit_and_subscribers_read_everything(
    client, reader, subscriber, meter
):
    premium = testing.article(access_level="premium")
    metered = testing.article()
    reader_token, subscriber_token = token_for(client, reader), token_for(client, subscriber)

    refused = client.get(f"/api/v1/stories/{premium.pk}", **bearer(reader_token)).json()
    assert refused["full"] is False
    assert refused["reason"] == "premium"
    assert paragraphs(refused["body"]) == LEAD
    full = client.get(f"/api/v1/stories/{metered.pk}", **bearer(subscriber_token)).json()
    assert full["full"] is True
    assert full["reason"] == "entitled"
    assert full["meter"] is None


def test_head_does_not_use_up_a_story(client, reader, meter):
    token = token_for(client, reader)
    story = testing.article()
    for _ in range(3):
        client.head(f"/api/v1/stories/{story.pk}", **bearer(token))
    others = [testing.article() for _ in range(2)]
    assert all(
        client.get(f"/api/v1/stories/{s.pk}", **bearer(token)).json()["full"] for s in others
    )


def test_the_story_list_is_newest_first_without_bodies(client, reader):
    token = token_for(client, reader)
    older, newer = testing.article(), testing.article()
    other_section = testing.article(in_section=testing.section("markets"))

    listing = client.get("/api/v1/stories/", **bearer(token)).json()
    markets = client.get("/api/v1/stories/?section=markets", **bearer(token)).json()

    slugs = [s["slug"] for s in listing["stories"]]
    assert set(slugs) == {older.slug, newer.slug, other_section.slug}
    assert "body" not in listing["stories"][0]
    assert [s["slug"] for s in markets["stories"]] == [other_section.slug]
    assert client.get("/api/v1/stories/", **bearer(token)).status_code == 200
    missing = client.get("/api/v1/stories/no-such-story", **bearer(token))
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    assert client.post("/api/v1/stories/", **bearer(token)).status_code == 405
