"""Logging in and out: back to the story, never off-site, and no hint of who has an account."""

from __future__ import annotations

import pytest

from masthead.accounts.tests.helpers import (
    OFF_SITE,
    READER_EMAIL,
    READER_PASSWORD,
    STORY,
    audit,
    is_logged_in,
    log_in,
    main_of,
    messages_of,
    page_text,
)

pytestmark = pytest.mark.django_db

MISMATCH = "The email address or password you entered is not right."
STORY_QUOTED = "%2Fworld%2F2025%2F06%2Fmonsoon-arrives-early%2F"


def test_login_returns_the_reader_to_the_story_they_came_from(client, reader):
    response = client.post(
        f"/accounts/login/?next={STORY}", {"login": READER_EMAIL, "password": READER_PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == STORY
    assert is_logged_in(client)
    assert f"You are logged in as {READER_EMAIL}." in messages_of(response)


def test_login_carries_next_through_the_form_as_the_page_posts_it(client, reader):
    page = client.get(f"/accounts/login/?next={STORY}")
    assert f'<input type="hidden" name="next" value="{STORY}">' in page.content.decode()

    response = client.post(
        "/accounts/login/",
        {"login": READER_EMAIL, "password": READER_PASSWORD, "next": STORY},
    )

    assert response["Location"] == STORY


@pytest.mark.parametrize(
    "next_url", [OFF_SITE, "//evil.example/", "https://evil.example@testserver.evil/"]
)
def test_login_ignores_an_off_site_next(client, reader, next_url):
    response = client.post(
        "/accounts/login/", {"login": READER_EMAIL, "password": READER_PASSWORD, "next": next_url}
    )

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_login_page_does_not_repeat_an_off_site_next(client):
    page = client.get(f"/accounts/login/?next={OFF_SITE}")

    assert page.status_code == 200
    assert "evil.example" not in main_of(page)


def test_a_wrong_password_shows_an_error_that_does_not_say_whether_the_email_exists(client, reader):
    response = log_in(client, READER_EMAIL, "not-my-password-1")
    html = response.content.decode()

    assert response.status_code == 200
    assert not is_logged_in(client)
    assert MISMATCH in html
    for telltale in ("no account", "not registered", "unknown", "does not exist", "wrong password"):
        assert telltale not in html.lower()


def test_an_unknown_email_gets_the_same_page_as_a_known_email_with_a_wrong_password(client, reader):
    stranger = "nobody.here@example.com"
    known = log_in(client, READER_EMAIL, "not-my-password-1")
    unknown = log_in(client, stranger, "not-my-password-1")

    assert known.status_code == unknown.status_code == 200
    assert known.context["form"].errors == unknown.context["form"].errors
    assert page_text(known, typed=READER_EMAIL) == page_text(unknown, typed=stranger)


def test_login_page_links_to_signup_and_reset_carrying_next(client):
    page = client.get(f"/accounts/login/?next={STORY}")
    html = page.content.decode()

    assert page.status_code == 200
    assert "<title>Log in" in html
    assert f'href="/accounts/signup/?next={STORY_QUOTED}">Create your free account' in html
    assert f'href="/accounts/password/reset/?next={STORY_QUOTED}">Forgot your password?' in html


def test_login_errors_are_labelled_and_announced(client):
    page = log_in(client, "someone@example.com", "x")
    found = audit(page)

    assert found.unlabelled_inputs() == []
    assert found.h1_count == 1
    assert found.alerts == 1
    assert "<title>Error: Log in" in page.content.decode()


def test_logging_out_asks_first_then_logs_out(client, reader):
    client.force_login(reader)

    page = client.get("/accounts/logout/")
    assert page.status_code == 200
    assert b"Do you want to log out" in page.content
    assert is_logged_in(client)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert not is_logged_in(client)
    assert "You have logged out." in messages_of(response)


def test_a_logged_in_reader_sent_to_login_goes_straight_back_to_the_story(client, reader):
    client.force_login(reader)

    response = client.get(f"/accounts/login/?next={STORY}")

    assert response.status_code == 302
    assert response["Location"] == STORY
