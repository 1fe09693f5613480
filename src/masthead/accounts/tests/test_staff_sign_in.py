"""Staff sign in through the readers' throttled sign-in, then show a second factor (TOTP),
before any back-office page opens."""

from __future__ import annotations

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from masthead.accounts.tests.helpers import is_logged_in, log_in
from masthead.accounts.tests.totp import hotp, secret_on, totp

pytestmark = pytest.mark.django_db

STAFF_EMAIL = "desk.editor@example.com"
STAFF_PASSWORD = "galley-proofs-at-midnight-7"
ACTIVATE = "/accounts/2fa/totp/activate/"


@pytest.fixture(autouse=True)
def second_factor_required(settings):
    settings.STAFF_MFA_REQUIRED = True


@pytest.fixture
def editor(db):
    user = get_user_model().objects.create_user(
        username="desk", email=STAFF_EMAIL, password=STAFF_PASSWORD, is_staff=True
    )
    user.is_superuser = True
    user.save()
    return user


def set_up_authenticator_app(client) -> str:
    """As a staff member does on their first visit: scan (here: read) the secret, type a code."""
    page = client.get(ACTIVATE)
    assert page.status_code == 200
    secret = secret_on(page.content.decode())
    done = client.post(ACTIVATE, {"code": totp(secret)})
    assert done.status_code == 302, done.content.decode()[:2000]
    return secret


def with_app(client, editor) -> str:
    assert log_in(client, STAFF_EMAIL, STAFF_PASSWORD).status_code == 302
    secret = set_up_authenticator_app(client)
    client.post("/accounts/logout/")
    return secret


def test_the_totp_helper_gives_rfc_6238s_own_test_values():
    # RFC 6238 Appendix B, SHA-1, 8 digits, key "12345678901234567890".
    key = b"12345678901234567890"
    expected = {59: "94287082", 1111111109: "07081804", 1234567890: "89005924"}
    assert {t: hotp(key, t // 30, digits=8) for t in expected} == expected


def test_the_admins_own_login_page_sends_staff_to_the_sites_sign_in(client, editor):
    shown = client.get("/admin/login/?next=/admin/")
    # Even the right password posted to the admin's form signs no one in there.
    posted = client.post(
        "/admin/login/?next=/admin/", {"username": "desk", "password": STAFF_PASSWORD}
    )

    assert shown.status_code == 302
    assert shown["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    assert posted.status_code == 302
    assert posted["Location"].startswith("/accounts/login/")
    assert not is_logged_in(client)


def test_guessing_a_staff_password_is_slowed_down_like_a_readers(client, editor):
    for _ in range(5):
        log_in(client, STAFF_EMAIL, "wrong-password-123")

    refused = log_in(client, STAFF_EMAIL, STAFF_PASSWORD)

    assert "Too many attempts to log in with this email address" in refused.content.decode()
    assert not is_logged_in(client)


def test_staff_without_a_second_factor_are_sent_to_set_one_up_before_the_admin(client, editor):
    assert log_in(client, STAFF_EMAIL, STAFF_PASSWORD).status_code == 302

    sent = client.get("/admin/newsroom/article/")

    assert sent.status_code == 302
    assert sent["Location"] == f"{ACTIVATE}?next=%2Fadmin%2Fnewsroom%2Farticle%2F"
    told = client.get(sent["Location"]).content.decode()
    assert "The back office needs a code from an authenticator app" in told
    set_up_authenticator_app(client)
    assert client.get("/admin/newsroom/article/").status_code == 200
    # Recovery codes came with it, for the day the phone is lost.
    codes = client.get("/accounts/2fa/recovery-codes/").content.decode()
    assert len(re.findall(r"\b[0-9a-f]{8}\b", codes)) >= 10


def test_the_staff_pages_outside_the_admin_need_the_second_factor_too(client, editor, settings):
    settings.METRICS_TOKEN = "scraper-token-for-this-test"
    gstr1, metrics = "/subscribe/staff/gstr1/?month=2026-11", "/metrics"
    assert log_in(client, STAFF_EMAIL, STAFF_PASSWORD).status_code == 302

    # Every buyer's GSTIN and the site's figures: not with a password alone.
    for page in (gstr1, metrics):
        sent = client.get(page)
        assert sent.status_code == 302, page
        assert sent["Location"].startswith(f"{ACTIVATE}?next="), page
    # The scraper's token is no staff session: it reads the metrics as before.
    scraper = Client().get(metrics, HTTP_AUTHORIZATION="Bearer scraper-token-for-this-test")
    assert scraper.status_code == 200

    set_up_authenticator_app(client)
    assert client.get(gstr1).status_code == 200
    assert client.get(metrics).status_code == 200


def test_a_wrong_code_at_the_set_up_adds_no_factor(client, editor):
    log_in(client, STAFF_EMAIL, STAFF_PASSWORD)
    secret = secret_on(client.get(ACTIVATE).content.decode())
    wrong = totp(secret, at=time.time() - 3600)

    response = client.post(ACTIVATE, {"code": wrong})

    assert response.status_code == 200
    assert not Authenticator.objects.filter(user=editor).exists()
    assert client.get("/admin/").status_code == 302


def test_staff_with_an_app_enter_its_code_after_the_password(client, editor):
    secret = with_app(client, editor)

    after_password = log_in(client, STAFF_EMAIL, STAFF_PASSWORD)
    assert after_password["Location"] == "/accounts/2fa/authenticate/"
    assert not is_logged_in(client)
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert not is_logged_in(client)
    assert wrong.status_code == 200
    # The next period's code (the set-up used this one; a code is good once).
    right = client.post("/accounts/2fa/authenticate/", {"code": totp(secret, at=time.time() + 30)})

    assert right.status_code == 302
    assert is_logged_in(client)
    assert client.get("/admin/").status_code == 200


def test_a_recovery_code_stands_in_for_a_lost_phone(client, editor):
    with_app(client, editor)
    codes = Authenticator.objects.get(user=editor, type=Authenticator.Type.RECOVERY_CODES)
    recovery = codes.wrap().get_unused_codes()[0]

    log_in(client, STAFF_EMAIL, STAFF_PASSWORD)
    response = client.post("/accounts/2fa/authenticate/", {"code": recovery})

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_session_that_never_showed_the_factor_is_asked_for_a_code(client, editor):
    secret = with_app(client, editor)
    client.force_login(editor)  # a session made without the sign-in (e.g. from before)

    asked = client.get("/admin/")

    assert asked.status_code == 302
    assert asked["Location"] == "/accounts/2fa/reauthenticate/?next=%2Fadmin%2F"
    confirmed = client.post(
        "/accounts/2fa/reauthenticate/?next=/admin/", {"code": totp(secret, at=time.time() + 30)}
    )
    assert confirmed.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_readers_are_never_asked_for_a_second_factor(client, reader):
    from masthead.accounts.tests.helpers import READER_EMAIL, READER_PASSWORD

    assert log_in(client, READER_EMAIL, READER_PASSWORD)["Location"] == "/"
    assert client.get("/accounts/me/").status_code == 200
    # A reader at the back office's door: the designed "not allowed" page.
    refused = client.get("/admin/")
    assert client.get("/admin/login/").status_code == 403
    assert refused.status_code == 302


def test_mfa_reset_removes_a_lost_factor_and_the_next_visit_sets_up_a_new_one(
    client, editor, capsys
):
    with_app(client, editor)
    assert Authenticator.objects.filter(user=editor).count() == 2  # app and recovery codes

    call_command("mfa_reset", email=STAFF_EMAIL.upper())

    assert not Authenticator.objects.filter(user=editor).exists()
    assert "Removed 2 second factor(s)" in capsys.readouterr().out
    log_in(client, STAFF_EMAIL, STAFF_PASSWORD)
    assert client.get("/admin/")["Location"].startswith(ACTIVATE)


def test_mfa_reset_says_so_when_no_account_has_the_address(editor):
    with pytest.raises(CommandError, match="No account has the email address"):
        call_command("mfa_reset", email="nobody@example.com")


def test_other_browsers_are_unaffected_by_one_staff_members_set_up(editor):
    # Sanity for the rule's scope: a second staff member still has to set up their own.
    other = get_user_model().objects.create_user(
        username="night", email="night.desk@example.com", password=STAFF_PASSWORD, is_staff=True
    )
    first, second = Client(), Client()
    log_in(first, STAFF_EMAIL, STAFF_PASSWORD)
    set_up_authenticator_app(first)
    log_in(second, other.email, STAFF_PASSWORD)

    assert first.get("/admin/").status_code == 200
    assert second.get("/admin/")["Location"].startswith(ACTIVATE)


def test_removing_a_factor_set_up_before_this_session_asks_to_confirm_who_it_is(client, editor):
    secret = with_app(client, editor)
    log_in(client, STAFF_EMAIL, STAFF_PASSWORD)
    client.post("/accounts/2fa/authenticate/", {"code": totp(secret, at=time.time() + 30)})
    assert is_logged_in(client)

    response = client.get("/accounts/2fa/totp/deactivate/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert Authenticator.objects.filter(user=editor, type=Authenticator.Type.TOTP).exists()
