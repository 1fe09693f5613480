"""Every page carries a Content-Security-Policy; only our own scripts (and the ones named in
settings) may run. The browser tests show the pages still work under it (tests/browser)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from django.test import Client
from django.urls import reverse

from masthead.ads import services as ads_services
from masthead.ads.models import AdKind, AdSlot, Placement
from masthead.ops import testing

pytestmark = pytest.mark.django_db

HEADER = "Content-Security-Policy"


def policy_of(response) -> dict[str, list[str]]:
    assert HEADER in response, response.request["PATH_INFO"]
    directives = {}
    for part in response[HEADER].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture
def site():
    story = testing.article(access_level="free")
    staff = testing.reader_account("clerk@example.com")
    staff.is_staff = True
    staff.save()
    return {"story": story, "staff": staff}


def test_every_kind_of_page_carries_the_policy(client, site):
    story = site["story"]
    pages = {
        "home": client.get("/"),
        "section": client.get(story.section.get_absolute_url()),
        "story": client.get(story.get_absolute_url()),
        "archive": client.get("/archive/"),
        "feed": client.get(f"/rss/{story.section.slug}.xml"),
        "log in": client.get(reverse("account_login")),
        "subscribe": client.get(reverse("billing:subscribe")),
        "not found": client.get("/no-such-section/"),
        "admin sign-in": client.get("/admin/login/"),
        "static file": client.get("/static/css/site.css"),
        "csrf failure": Client(enforce_csrf_checks=True).post(reverse("account_login"), {}),
    }
    client.force_login(site["staff"])
    pages["forbidden"] = client.get(reverse("admin:newsroom_article_preview", args=[story.pk]))

    for kind, response in pages.items():
        policy = policy_of(response)
        assert policy["default-src"] == ["'self'"], kind
        assert policy["object-src"] == ["'none'"], kind
        assert policy["frame-ancestors"] == ["'none'"], kind
        assert policy["base-uri"] == ["'self'"], kind
        # No inline script runs unless it carries this response's nonce.
        assert "'unsafe-inline'" not in policy["script-src"], kind
        assert "'unsafe-eval'" not in policy["script-src"], kind
    assert {kind: r.status_code for kind, r in pages.items() if r.status_code >= 400} == {
        "not found": 404,
        "csrf failure": 403,
        "forbidden": 403,
    }


def test_the_ad_tags_scripts_carry_the_nonce_the_header_names(client):
    AdSlot.objects.create(
        name="tag",
        placement=Placement.HOME,
        kind=AdKind.TAG,
        tag_html="<script>window.adsReady = true;</script>"
        '<SCRIPT async src="https://ads.example.net/tag.js"></SCRIPT>',
    )
    ads_services.ads_changed()

    first, second = client.get("/"), client.get("/")

    nonces = []
    for response in (first, second):
        [nonce] = [v for v in policy_of(response)["script-src"] if v.startswith("'nonce-")]
        nonce = nonce.removeprefix("'nonce-").removesuffix("'")
        html = response.content.decode()
        assert f'<script nonce="{nonce}">window.adsReady = true;</script>' in html
        assert f'<script nonce="{nonce}" async src="https://ads.example.net/tag.js">' in html
        nonces.append(nonce)
    # A nonce is good for one response only (the slot's rendering is shared, the nonce is not).
    assert nonces[0] != nonces[1]


def policy_under(**variables: str) -> dict[str, object]:
    """The policy settings a process started with these environment variables builds."""
    env = {
        **os.environ,
        "MASTHEAD_ENV": "test",
        "DJANGO_SETTINGS_MODULE": "masthead.settings",
        **variables,
    }
    code = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps({'enforced': s.CONTENT_SECURITY_POLICY, "
        "'report_only': s.CONTENT_SECURITY_POLICY_REPORT_ONLY}, default=str))"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def test_report_only_mode_sends_the_same_policy_without_enforcing_it():
    enforced = policy_under()
    trial = policy_under(
        MASTHEAD_CSP_REPORT_ONLY="true", MASTHEAD_CSP_REPORT_URI="https://csp.example.com/r"
    )

    assert enforced["report_only"] is None
    assert trial["enforced"] is None
    directives = trial["report_only"]["DIRECTIVES"]
    assert directives["report-uri"] == "https://csp.example.com/r"
    assert directives["script-src"] == enforced["enforced"]["DIRECTIVES"]["script-src"]


def test_in_report_only_mode_pages_carry_the_report_only_header_and_no_enforced_one(
    client, settings
):
    # As settings.py turns them with MASTHEAD_CSP_REPORT_ONLY (the test above): the same
    # directives, under the other setting.
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = None
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {
        "DIRECTIVES": {**directives, "report-uri": "https://csp.example.com/r"}
    }
    testing.article(access_level="free")

    response = client.get("/")

    assert HEADER not in response
    report_only = response[f"{HEADER}-Report-Only"]
    assert "report-uri https://csp.example.com/r" in report_only
    assert re.search(r"script-src 'self' 'nonce-[^']+'", report_only), report_only


def test_the_ad_tags_and_the_gateways_hosts_are_allowed_by_name_only():
    policy = policy_under(
        MASTHEAD_BILLING_GATEWAY="razorpay",
        MASTHEAD_CSP_AD_HOSTS="https://securepubads.g.doubleclick.net,https://tpc.googlesyndication.com",
    )["enforced"]["DIRECTIVES"]

    # Razorpay Checkout: its script from checkout.razorpay.com, its frame from api.razorpay.com.
    assert "https://checkout.razorpay.com" in policy["script-src"]
    assert "https://api.razorpay.com" in policy["frame-src"]
    for directive in ("script-src", "frame-src", "img-src", "connect-src"):
        assert "https://securepubads.g.doubleclick.net" in policy[directive], directive
    # Nothing else: no wildcard source for scripts.
    assert not [v for v in policy["script-src"] if v in {"*", "https:", "http:"}]
    assert re.fullmatch(r"'self'", policy["default-src"][0])
