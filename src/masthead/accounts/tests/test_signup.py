"""Signing up: email and password, a verification email, and no way to learn who has an account."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from masthead.accounts.tests.helpers import (
    OFF_SITE,
    READER_EMAIL,
    READER_PASSWORD,
    STORY,
    audit,
    is_logged_in,
    link_in,
    messages_of,
)

pytestmark = pytest.mark.django_db

NEW_EMAIL = "new.reader@example.com"
PASSWORD = "monsoon-paper-round-8"


def sign_up(client, email=NEW_EMAIL, password=PASSWORD, next_url=STORY):
    query = f"?next={next_url}" if next_url else ""
    return client.post(
        f"/accounts/signup/{query}",
        {"email": email, "password1": password, "password2": password},
    )


def test_signing_up_creates_an_account_and_sends_a_verification_email(client):
    response = sign_up(client)

    assert response.status_code == 302
    user = get_user_model().objects.get(email=NEW_EMAIL)
    assert user.check_password(PASSWORD)
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.primary, address.verified) == (NEW_EMAIL, True, False)
    assert [m.to for m in mail.outbox] == [[NEW_EMAIL]]
    assert "/accounts/confirm-email/" in link_in(mail.outbox[0])
    assert f"We have sent an email to {NEW_EMAIL}." in " ".join(messages_of(response))


def test_a_new_reader_can_read_at_once_while_the_address_is_unconfirmed(client):
    sign_up(client)

    assert is_logged_in(client)
    assert client.get("/accounts/me/").status_code == 200


def test_the_link_in_the_verification_email_verifies_the_address(client):
    sign_up(client)
    link = link_in(mail.outbox[0])
    client.logout()

    page = client.get(link)
    assert page.status_code == 200
    assert b"Confirm your email address" in page.content
    assert NEW_EMAIL.encode() in page.content
    # Opening the link alone confirms nothing (mail scanners open links); the button does.
    assert not EmailAddress.objects.get(email=NEW_EMAIL).verified

    confirmed = client.post(link)

    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(email=NEW_EMAIL).verified
    assert f"Thank you: {NEW_EMAIL} is confirmed." in messages_of(confirmed)


def test_a_broken_verification_link_says_it_has_expired(client):
    page = client.get("/accounts/confirm-email/not-a-real-key/")

    assert page.status_code == 200
    assert b"This link has expired" in page.content


def test_signup_returns_the_reader_to_the_story_they_came_from(client):
    response = sign_up(client, next_url=STORY)

    assert response.status_code == 302
    assert response["Location"] == STORY


def test_signup_ignores_an_off_site_next(client):
    response = sign_up(client, next_url=OFF_SITE)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "evil.example" not in response["Location"]


def test_signing_up_with_a_registered_email_answers_exactly_like_a_new_signup(client, reader):
    new = sign_up(client, email=NEW_EMAIL)
    new_messages = messages_of(new)
    client.logout()

    taken = sign_up(client, email=READER_EMAIL)

    assert (taken.status_code, taken["Location"]) == (new.status_code, new["Location"])
    sent = "We have sent an email to {}. Follow the link in it to confirm your address."
    assert sent.format(NEW_EMAIL) in new_messages
    assert messages_of(taken) == [sent.format(READER_EMAIL)]
    # Both addresses got exactly one email: a confirmation link, or "you already have one".
    assert [m.to for m in mail.outbox] == [[NEW_EMAIL], [READER_EMAIL]]
    already = mail.outbox[1]
    assert "you already have one" in already.body
    assert link_in(already) == "/accounts/password/reset/"


def test_signing_up_with_a_registered_email_makes_no_second_account(client, reader):
    sign_up(client, email=READER_EMAIL, password="someone-elses-guess-1")
    sign_up(client, email=READER_EMAIL.upper(), password="someone-elses-guess-1")

    assert get_user_model().objects.filter(email__iexact=READER_EMAIL).count() == 1
    assert EmailAddress.objects.filter(email__iexact=READER_EMAIL).count() == 1
    assert not is_logged_in(client)
    reader.refresh_from_db()
    assert reader.check_password(READER_PASSWORD)


def test_a_registered_email_gets_the_same_form_errors_as_a_new_one(client, reader):
    weak = {"password1": "short", "password2": "short"}
    for_new = client.post("/accounts/signup/", {"email": NEW_EMAIL, **weak})
    for_taken = client.post("/accounts/signup/", {"email": READER_EMAIL, **weak})

    assert for_new.status_code == for_taken.status_code == 200
    assert for_new.context["form"].errors == for_taken.context["form"].errors
    assert b"already registered" not in for_taken.content


def test_signup_page_links_to_login_and_reset_carrying_next(client):
    page = client.get(f"/accounts/signup/?next={STORY}")
    html = page.content.decode()

    assert page.status_code == 200
    assert "<h1" in html and "Create your free account" in html
    assert 'href="/accounts/login/?next=%2Fworld%2F2025%2F06%2Fmonsoon-arrives-early%2F"' in html
    assert (
        'href="/accounts/password/reset/?next=%2Fworld%2F2025%2F06%2Fmonsoon-arrives-early%2F"'
        in html
    )
    assert f'<input type="hidden" name="next" value="{STORY}">' in html


def test_signup_errors_are_labelled_and_announced(client):
    page = client.post(
        "/accounts/signup/",
        {"email": "not-an-address", "password1": "12345", "password2": "54321"},
    )
    found = audit(page)

    assert page.status_code == 200
    assert found.unlabelled_inputs() == []
    assert found.h1_count == 1
    assert found.alerts == 1
    assert 'aria-invalid="true"' in page.content.decode()
    assert "<title>Error: Create your free account" in page.content.decode()
    assert get_user_model().objects.count() == 0


def test_with_mandatory_verification_allauths_own_enumeration_prevention_is_kept(
    client, reader, settings
):
    # MASTHEAD_EMAIL_VERIFICATION=mandatory is a supported setting; then nobody is logged in
    # before confirming, and allauth's own flow answers a registered address.
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    other_browser = Client()

    new = sign_up(client, email=NEW_EMAIL)
    taken = sign_up(other_browser, email=READER_EMAIL)

    assert new.status_code == taken.status_code == 302
    assert new["Location"] == taken["Location"] == "/accounts/confirm-email/"
    assert not is_logged_in(client) and not is_logged_in(other_browser)
    assert get_user_model().objects.filter(email__iexact=READER_EMAIL).count() == 1
    assert [m.to for m in mail.outbox] == [[NEW_EMAIL], [READER_EMAIL]]
