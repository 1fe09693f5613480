"""The reader's account page shows their partner code; the benefits page finds the way in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from masthead.access import ways_in
from masthead.access.models import Benefit
from masthead.partners import services

from .conftest import holder

pytestmark = pytest.mark.django_db


def test_the_account_page_shows_the_readers_code_and_how_to_redeem_it(pool, client):
    reader = holder()
    code = services.claim_code(user=reader, pool=pool)
    client.force_login(reader)
    page = client.get(reverse("accounts:me")).content.decode()
    assert f"<code>{code.code}</code>" in page
    assert "redeem with The Deccan Review" in page


def test_the_account_page_shows_no_code_to_a_reader_without_one(pool, client):
    reader = holder()
    client.force_login(reader)
    assert "<code>" not in client.get(reverse("accounts:me")).content.decode()


def test_the_partner_benefit_and_gifting_register_their_ways_in():
    partner = {way.url_name for way in ways_in.ways_in(benefit=Benefit.PARTNER_BUNDLE)}
    giving = {way.url_name for way in ways_in.ways_in(benefit=Benefit.UNLIMITED_STORIES)}
    assert "partners:mine" in partner
    assert "gifts:mine" in giving
    assert reverse("partners:mine") == "/partner/"
    assert reverse("gifts:mine") == "/gift/mine/"
