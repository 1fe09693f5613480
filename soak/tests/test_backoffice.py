"""The desk editor's browser the soak drives: a code from RFC 6238's own test values, and the
whole way into the back office and an upload over real HTTP (a live server, no cluster)."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model

from masthead.epaper.models import Edition
from masthead.epaper.tests.conftest import edition_pdf
from soak.backoffice import Staff, page_errors, totp
from soak.tests.own_loop import in_own_thread


def test_the_code_is_rfc_6238s():
    # RFC 6238 Appendix B, SHA-1, key "12345678901234567890": 94287082 at T = 59 s, 07081804
    # at T = 1111111109 s; six digits are the last six.
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # base 32 of the key
    assert totp(secret, at=59) == "287082"
    assert totp(secret, at=1111111109) == "081804"


@pytest.mark.django_db(transaction=True)
def test_staff_sign_in_with_both_factors_and_upload_over_http(live_server, settings, tmp_path):
    settings.STAFF_MFA_REQUIRED = True
    desk = get_user_model().objects.create_user(
        username="desk", email="desk@soak.example", password="galley-proofs-7", is_staff=True,
        is_superuser=True,
    )  # fmt: skip
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    TOTP.activate(desk, secret)
    port = int(live_server.url.rsplit(":", 1)[1])
    staff = Staff(port=port, email="desk@soak.example", password="galley-proofs-7",
                  secret=secret, begin=time.monotonic())  # fmt: skip

    assert in_own_thread(staff.sign_in) == ""
    pdf = edition_pdf(tmp_path, pages=1).read_bytes()
    assert (
        in_own_thread(lambda: staff.upload_edition(pdf=pdf, name="Mumbai"))
        == "uploaded through the back office (Mumbai)"
    )
    assert Edition.objects.filter(name="Mumbai").exists()
    assert [r.kind for r in staff.records if r.status >= 500] == []


def test_the_editor_is_shown_what_the_upload_page_says_is_wrong():
    html = (
        b'<p class="errornote">The e-paper storage could not keep the file (No space left on '
        b'device); nothing was published.</p><div class="form-row errors"><ul class="errorlist">'
        b"<li>This field is required.</li></ul></div>"
    )
    assert page_errors(html) == (
        "The e-paper storage could not keep the file (No space left on device); nothing was "
        "published. This field is required."
    )
