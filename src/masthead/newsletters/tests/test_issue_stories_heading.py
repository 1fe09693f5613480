"""The back office's issue page heads its stories "Issue stories", not Django's "Issue storys"."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_issue_page_lists_issue_stories_in_plain_english(admin_client):
    page = admin_client.get("/admin/newsletters/issue/add/").content.decode()

    assert "Issue stories" in page
    assert "storys" not in page.lower()
