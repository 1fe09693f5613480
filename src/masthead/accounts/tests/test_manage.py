"""A logged-in reader's settings: email addresses and password, and every page's basics."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from masthead.accounts.tests.helpers import (
    NEW_PASSWORD,
    READER_EMAIL,
    READER_PASSWORD,
    audit,
    link_in,
    main_of,
    messages_of,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/accounts/email/", "/accounts/password/change/"])
def test_account_settings_need_a_login_and_come_back_after_it(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


def test_changing_the_password_needs_the_current_one(client, reader):
    client.force_login(reader)
    change = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}

    refused = client.post(
        "/accounts/password/change/", {"oldpassword": "not-my-password-1", **change}
    )
    assert refused.status_code == 200
    assert audit(refused).alerts == 1
    reader.refresh_from_db()
    assert reader.check_password(READER_PASSWORD)

    changed = client.post("/accounts/password/change/", {"oldpassword": READER_PASSWORD, **change})

    assert changed.status_code == 302
    assert "Your password has been changed." in messages_of(changed)
    reader.refresh_from_db()
    assert reader.check_password(NEW_PASSWORD)


def test_the_email_page_lists_addresses_and_adds_one_with_a_confirmation_email(client, reader):
    client.force_login(reader)
    page = client.get("/accounts/email/")
    main = main_of(page)

    assert page.status_code == 200
    assert READER_EMAIL in main
    assert "Main address" in main
    assert "Confirmed" in main

    added = client.post("/accounts/email/", {"action_add": "", "email": "second@example.com"})

    assert added.status_code == 302
    assert EmailAddress.objects.filter(user=reader, email="second@example.com").exists()
    assert [m.to for m in mail.outbox] == [["second@example.com"]]
    assert "/accounts/confirm-email/" in link_in(mail.outbox[0])


ANONYMOUS_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/password/reset/key/done/",
    "/accounts/confirm-email/",
    "/accounts/confirm-email/not-a-real-key/",
]
READER_PAGES = ["/accounts/email/", "/accounts/password/change/", "/accounts/logout/"]


@pytest.mark.parametrize("path", ANONYMOUS_PAGES + READER_PAGES)
def test_every_account_page_is_in_the_sites_design_with_one_heading_and_labelled_inputs(
    client, reader, path
):
    if path in READER_PAGES:
        client.force_login(reader)

    page = client.get(path)
    html = page.content.decode()
    found = audit(page)

    assert page.status_code == 200
    assert 'class="site-header"' in html and 'class="site-footer"' in html
    assert "accounts/accounts.css" in html
    assert found.h1_count == 1
    assert found.unlabelled_inputs() == []
    assert found.alerts == 0
    # Plain words, not allauth's defaults.
    for default in ("Sign In", "Sign Up", "Sign Out", "Menu:"):
        assert default not in main_of(page)
