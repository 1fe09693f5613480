"""Forgotten passwords: the same answer for every address, and a link that really works."""

from __future__ import annotations

import pytest
from django.core import mail

from masthead.accounts.tests.helpers import (
    NEW_PASSWORD,
    READER_EMAIL,
    READER_PASSWORD,
    STORY,
    audit,
    is_logged_in,
    link_in,
    log_in,
    page_text,
)

pytestmark = pytest.mark.django_db

STRANGER = "nobody.here@example.com"


def ask_for_reset(client, email):
    return client.post("/accounts/password/reset/", {"email": email})


def choose_new_password(client, link, password=NEW_PASSWORD):
    """Open the emailed link and fill in the form it leads to."""
    opened = client.get(link)
    # allauth moves the key out of the address bar (so it cannot leak in a Referer).
    assert opened.status_code == 302
    assert opened["Location"].endswith("-set-password/")
    form = client.get(opened["Location"])
    assert form.status_code == 200
    assert b"Choose a new password" in form.content
    return client.post(opened["Location"], {"password1": password, "password2": password})


def test_reset_for_a_known_and_an_unknown_email_gives_the_same_response(client, reader):
    known = ask_for_reset(client, READER_EMAIL)
    unknown = ask_for_reset(client, STRANGER)

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert known["Location"] == "/accounts/password/reset/done/"
    done_known = client.get(known["Location"])
    done_unknown = client.get(unknown["Location"])
    assert done_known.status_code == done_unknown.status_code == 200
    assert page_text(done_known) == page_text(done_unknown)
    assert b"If an account uses that email address" in done_known.content


def test_only_the_registered_address_gets_a_reset_link(client, reader):
    ask_for_reset(client, READER_EMAIL)
    ask_for_reset(client, STRANGER)

    to_reader, to_stranger = mail.outbox
    assert to_reader.to == [READER_EMAIL]
    assert link_in(to_reader).startswith("/accounts/password/reset/key/")
    # allauth (ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS, on by default) tells the stranger's inbox, not
    # the visitor, that no account uses the address; the only link in it is to sign up.
    assert to_stranger.to == [STRANGER]
    assert "no account uses it" in to_stranger.body
    assert link_in(to_stranger) == "/accounts/signup/"


def test_the_reset_link_sets_a_new_password_that_then_works(client, reader):
    ask_for_reset(client, READER_EMAIL)

    saved = choose_new_password(client, link_in(mail.outbox[0]))

    assert saved.status_code == 302
    done = client.get(saved["Location"])
    assert b"Your password has been changed" in done.content
    assert log_in(client, READER_EMAIL, READER_PASSWORD).status_code == 200
    assert not is_logged_in(client)
    assert log_in(client, READER_EMAIL, NEW_PASSWORD).status_code == 302
    assert is_logged_in(client)


def test_a_used_reset_link_says_it_has_expired(client, reader):
    ask_for_reset(client, READER_EMAIL)
    link = link_in(mail.outbox[0])
    choose_new_password(client, link)

    again = client.get(link)

    assert again.status_code == 200
    assert b"This link has expired" in again.content
    assert b'href="/accounts/password/reset/"' in again.content


def test_the_new_password_form_is_labelled_and_announces_errors(client, reader):
    ask_for_reset(client, READER_EMAIL)
    opened = client.get(link_in(mail.outbox[0]))

    page = client.post(opened["Location"], {"password1": "short", "password2": "other"})
    found = audit(page)

    assert page.status_code == 200
    assert found.unlabelled_inputs() == []
    assert found.h1_count == 1
    assert found.alerts == 1


def test_the_reset_page_links_back_to_login_and_signup_carrying_next(client):
    page = client.get(f"/accounts/password/reset/?next={STORY}")
    html = page.content.decode()
    quoted = "%2Fworld%2F2025%2F06%2Fmonsoon-arrives-early%2F"

    assert "<h1" in html and "Forgot your password?" in html
    assert f'href="/accounts/login/?next={quoted}">Back to log in' in html
    assert f'href="/accounts/signup/?next={quoted}">Create your free account' in html
    assert audit(page).unlabelled_inputs() == []
