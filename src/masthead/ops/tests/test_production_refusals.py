"""A production site refuses the demo and the defaults this repository publishes."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from masthead.accounts import demo as accounts_demo

MASTHEAD = str(Path(sys.executable).parent / "masthead")


@pytest.mark.django_db
@pytest.mark.parametrize("command", ["load_demo", "demo_logins"])
def test_the_demo_refuses_to_run_on_a_production_site(settings, command, capsys):
    settings.MASTHEAD_ENV = "production"

    with pytest.raises(CommandError, match="refuses to run when MASTHEAD_ENV=production"):
        call_command(command)

    # Nothing was loaded and no published password was printed.
    assert not get_user_model().objects.exists()
    assert "run-the-ledger-1997" not in capsys.readouterr().out


@pytest.mark.django_db
def test_the_demo_logins_cannot_be_created_on_a_production_site_by_any_caller(settings):
    settings.MASTHEAD_ENV = "production"

    with pytest.raises(CommandError):
        accounts_demo.load()

    assert not get_user_model().objects.filter(email="admin@example.com").exists()


@pytest.mark.django_db
def test_outside_production_the_demo_logins_load(settings):
    settings.MASTHEAD_ENV = "development"

    accounts_demo.load()

    admin = get_user_model().objects.get(email="admin@example.com")
    assert admin.is_superuser
    assert admin.check_password("run-the-ledger-1997")


def deploy_check(tmp_path, **variables):
    env = {
        # The test run's own environment, less its settings (and the browser tests' async
        # escape hatch, which a deployment must not have).
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith("MASTHEAD_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
        },
        "MASTHEAD_ENV": "production",
        "MASTHEAD_VAR_DIR": str(tmp_path),
        "DATABASE_URL": "",
        "REDIS_URL": "",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "MASTHEAD_ALLOWED_HOSTS": "news.example.com",
        "MASTHEAD_BILLING_GATEWAY": "razorpay",
        "RAZORPAY_KEY_ID": "rzp_live_check",
        "RAZORPAY_KEY_SECRET": secrets.token_hex(16),
        "RAZORPAY_WEBHOOK_SECRET": secrets.token_hex(16),
        **variables,
    }
    return subprocess.run(  # noqa: S603 - our own command
        [MASTHEAD, "check", "--deploy"], env=env, capture_output=True, text=True, check=False
    )


OWN_IDENTITY = {
    "MASTHEAD_PUBLISHER_GSTIN": "29AABCN5678K1ZT",
    "MASTHEAD_PUBLISHER_STATE_CODE": "29",  # the GSTIN's own state (Karnataka)
    "MASTHEAD_PUBLISHER_LEGAL_NAME": "Northern Chronicle Publications Private Limited",
    "MASTHEAD_PUBLISHER_ADDRESS": "12 Residency Road, Bengaluru 560025",
    "MASTHEAD_SANDBOX_WEBHOOK_SECRET": secrets.token_hex(32),
    "MASTHEAD_NEWSLETTERS_WEBHOOK_SECRET": secrets.token_hex(32),
    "MASTHEAD_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
}


def test_the_deploy_check_fails_on_the_demo_seller_published_secrets_and_console_email(
    tmp_path,
):
    result = deploy_check(
        tmp_path,
        MASTHEAD_NEWSLETTERS_WEBHOOK_SECRET="newsletters-webhook-secret",
        MASTHEAD_STAFF_MFA_REQUIRED="false",
    )
    output = result.stdout + result.stderr

    assert result.returncode != 0
    for name in ("PUBLISHER_GSTIN", "PUBLISHER_LEGAL_NAME", "PUBLISHER_ADDRESS"):
        assert f"(masthead.E101) {name} is the demo publisher's" in output
    for name in ("SANDBOX_WEBHOOK_SECRET", "NEWSLETTERS_WEBHOOK_SECRET"):
        assert f"(masthead.E102) {name} is the default published with Masthead" in output
    assert "(masthead.E103) EMAIL_BACKEND is django.core.mail.backends.console" in output
    assert "(masthead.E104) MASTHEAD_STAFF_MFA_REQUIRED is false" in output


def test_the_deploy_check_passes_with_the_publishers_own_identity_secrets_and_mail(tmp_path):
    result = deploy_check(tmp_path, **OWN_IDENTITY)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
