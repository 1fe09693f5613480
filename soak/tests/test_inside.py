"""The helper's commands the full form's peak search and hold use (the CI form does not reach
them): seeding a small world, topping up readers and subscribers, a background issue, an
edition PDF for the back office."""

from __future__ import annotations

import argparse
import json

import pytest
from django.contrib.sessions.models import Session

from masthead.billing.models import Subscription
from masthead.newsletters.models import Issue
from soak import inside

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_search_and_hold_helpers_do_what_the_load_generator_needs(tmp_path):
    seeded = inside.seed(argparse.Namespace(renewing=2, clocks=1, acting=1, registered=2,
                                            recipients=3, background=4))  # fmt: skip
    assert len(seeded["registered"]) == 2
    assert seeded["staff"]["email"] == "desk@soak.example"

    readers = json.loads(inside.more_readers(argparse.Namespace(count=3, batch=1)))
    assert len(readers) == 3
    # Each reader's session is one the site will take as that reader signed in.
    for reader in readers:
        data = Session.objects.get(session_key=reader["session"]).get_decoded()
        assert data["_auth_user_id"] == str(reader["user_id"])

    subscribers = json.loads(inside.more_subscribers(argparse.Namespace(count=2, batch=1)))
    assert (
        Subscription.objects.filter(
            customer__user_id__in=[s["user_id"] for s in subscribers], status="active"
        ).count()
        == 2
    )

    issue = Issue.objects.get(pk=int(inside.send_background(argparse.Namespace())))
    assert (issue.status, issue.subject) == ("scheduled", inside.BACKGROUND_SUBJECT)
    assert issue.newsletter.signups.count() == 4

    out = tmp_path / "edition.pdf"
    assert inside.make_edition(argparse.Namespace(name="Pune", pages=2, out=str(out))) == str(out)
    assert out.read_bytes().startswith(b"%PDF")
