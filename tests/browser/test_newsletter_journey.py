"""The newsletters issue's acceptance, in a real browser: a reader signs up from a story page and
confirms the address; an editor composes an issue in the back office, previews it and sends it;
the worker is killed mid-send and restarted; every recipient's copy arrives in the test SMTP sink
exactly once, and the reader's one-click unsubscribe (a POST to its List-Unsubscribe URL, with no
session and no CSRF token) unsubscribes them."""

from __future__ import annotations

import re
import signal
import time
import urllib.request
from collections import Counter
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from masthead.newsletters.models import Issue, IssueStatus, Newsletter, Signup, SignupStatus
from masthead.newsletters.sink import Sink
from masthead.newsletters.tests.processes import masthead, run, sender_env, start
from masthead.newsroom.models import AccessLevel, Article
from tests.browser.helpers import DESKTOP, new_email

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OTHERS = 24  # other confirmed readers of Markets, so the kill lands mid-send
DB_TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        # The worker's queues, one per role (masthead.ops.worker).
        "QUEUES": ["default", "email", "billing", "newsletters", "epaper"],
    }
}


def _worker_env(port: int) -> dict[str, str]:
    env = sender_env(smtp_port=port, batch_size=5, claim_seconds=1)
    env["MASTHEAD_ENV"] = "development"  # the worker runs the database task queue
    env["MASTHEAD_DEBUG"] = "false"
    env["MASTHEAD_NEWSLETTERS_CONNECTIONS"] = "2"  # two SMTP conversations at once
    return env


def _run_worker(env: dict[str, str]) -> str:
    done = run(masthead("worker", "--once"), env)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_sign_up_confirm_compose_send_kill_restart_and_unsubscribe(
    site: str, page_factory: Any, shoot: Any, settings: Any
) -> None:
    settings.TASKS = DB_TASKS  # emails and sends go to the worker, as in production
    markets = Newsletter.objects.get(slug="markets")
    for i in range(OTHERS):
        Signup.objects.create(
            newsletter=markets,
            email=f"other{i:02d}@example.com",
            status=SignupStatus.ACTIVE,
            confirmed_at=timezone.now(),
        )
    premium = Article.objects.published().filter(access_level=AccessLevel.PREMIUM).first()
    story = Article.objects.published().filter(access_level=AccessLevel.FREE).first()
    assert premium is not None and story is not None
    address = new_email()

    with Sink(hold_after=1 + 12) as sink:  # the confirmation, then 12 copies of the issue
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        env = _worker_env(sink.port)

        # A reader signs up from the box on a story page.
        reader = page_factory(**DESKTOP)
        reader.goto(site + story.get_absolute_url())
        box = reader.get_by_role("complementary", name="Curated newsletters")
        box.get_by_label("Markets").check()
        box.get_by_role("button", name="Sign up").click()
        expect(reader.get_by_label("Markets")).to_be_checked()
        reader.get_by_label("Your email address").fill(address)
        reader.get_by_role("button", name="Sign up").click()
        expect(reader.get_by_role("heading", level=1)).to_have_text("Check your inbox")
        shoot(reader, "newsletter-signed-up")

        # The worker sends the confirmation; the reader follows its link and confirms.
        _run_worker(env)
        (confirmation,) = [m for m in sink.messages if address in m.rcpt_tos]
        plain = confirmation.parsed().get_body(("plain",))
        assert plain is not None
        link = re.search(r"http://\S+/newsletters/(confirm/\S+/)", plain.get_content())
        assert link is not None, "the confirmation email has its link"
        reader.goto(site + "/newsletters/" + link.group(1))
        reader.get_by_role("button", name="Confirm my address").click()
        expect(reader.get_by_role("heading", level=1)).to_have_text("Address confirmed")
        assert Signup.objects.get(email=address).status == SignupStatus.ACTIVE

        # An editor composes an issue: Markets, an introduction, two stories; previews; sends.
        editor = page_factory(**DESKTOP)
        # The admin's login page sends staff to the site's sign-in (issue 15).
        editor.goto(site + "/admin/login/?next=/admin/newsletters/issue/add/")
        editor.get_by_label("Email address").fill("editor@example.com")
        editor.get_by_label("Password").fill("edit-the-ledger-1997")
        editor.get_by_role("button", name="Log in").click()
        editor.get_by_label("Newsletter").select_option(label="Markets")
        editor.get_by_label("Subject").fill("Markets at the open")
        editor.get_by_label("Introduction").fill("Good morning.\n\nTwo stories to start with.")
        for row, article in enumerate((story, premium)):
            editor.locator(f"#issue_stories-{row} .select2-selection").click()
            editor.locator(".select2-search__field").fill(article.headline[:30])
            editor.locator(".select2-results__option", has_text=article.headline).click()
        editor.get_by_role("button", name="Save and continue editing").click()
        expect(editor.locator(".messagelist")).to_contain_text("was added successfully")
        issue = Issue.objects.get(subject="Markets at the open")
        with editor.expect_popup() as popup:
            editor.get_by_role("link", name="Preview as a free reader").click()
        free_preview = popup.value
        expect(free_preview.locator("h2", has_text=premium.headline)).to_be_visible()
        expect(free_preview.get_by_text("Subscribers read this story in full")).to_be_visible()
        shoot(free_preview, "newsletter-preview-free")
        editor.get_by_role("link", name="Send or schedule").click()
        expect(editor.get_by_text(f"{OTHERS + 1} confirmed addresses")).to_be_visible()
        editor.get_by_role("button", name="Send").click()
        expect(editor.locator(".messagelist")).to_contain_text("Sending now")
        shoot(editor, "newsletter-issue-sending")

        # The worker takes it, and is killed mid-send while the 13th copy awaits the server.
        sender = start(masthead("worker", "--once"), env)
        try:
            assert sink.wait_until_held(timeout=60)
            # The other conversation's last accepted copy is marked within microseconds of the
            # server's answer; give it that (and more) so the kill lands while copies are on
            # the wire, not in that window (docs/adr/0008-newsletter-sends.md).
            time.sleep(1.0)
            sender.send_signal(signal.SIGKILL)
            sender.wait(timeout=10)
        finally:
            if sender.poll() is None:
                sender.kill()
        issue.refresh_from_db()
        assert issue.status == IssueStatus.SENDING
        sink.stop_holding()
        time.sleep(1.2)  # the dead worker's claim outlives its lease
        _run_worker(env)
        copies = [m for m in sink.messages if m.header("Subject") == "Markets at the open"]

    issue.refresh_from_db()
    assert issue.status == IssueStatus.SENT
    got = Counter(rcpt for m in copies for rcpt in m.rcpt_tos)
    assert set(got) == {address, *(f"other{i:02d}@example.com" for i in range(OTHERS))}
    assert set(got.values()) == {1}, "each copy exactly once"

    # The reader's copy: one-click unsubscribe, as a mail client does it (no session, no CSRF).
    (mine,) = [m for m in copies if address in m.rcpt_tos]
    assert mine.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
    url = mine.header("List-Unsubscribe").strip("<>")
    path = "/newsletters/" + url.split("/newsletters/", 1)[1]
    request = urllib.request.Request(
        site + path,
        data=b"List-Unsubscribe=One-Click",
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
    assert Signup.objects.get(email=address).status == SignupStatus.UNSUBSCRIBED
    # And the link in the email's footer shows the reader where they stand.
    reader.goto(site + path)
    expect(reader.get_by_role("heading", level=1)).to_have_text("Unsubscribe")
