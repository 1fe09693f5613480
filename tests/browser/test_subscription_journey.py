"""The billing issue's acceptance, in a real browser, once per demo plan: a reader stopped by the
meter picks a plan on the prompt, creates an account on the way, pays with a sandbox test card
and reads the story in full; cancels from My subscription and keeps reading to the end of what
was paid; then, with the reader's billing test clock moved past the period's end, the
subscription has ended without a further charge and the story is metered again."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import Page, expect

from masthead.access.models import Audience, PromptKind
from masthead.billing import operations, services
from masthead.billing.models import (
    PreDebitNotice,
    SandboxCharge,
    Subscription,
    SubscriptionStatus,
    TestClock,
)
from masthead.newsroom.models import Article
from masthead.ops import testing
from tests.browser.helpers import (
    DESKTOP,
    STRONG_PASSWORD,
    expect_full_story,
    expect_meter,
    first_paragraph,
    new_email,
    snippet,
    stories_with_later_paragraphs,
    story_snippets,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# slug, name, price on the card and in checkout, months paid for
PLANS = [
    ("smart-quarterly", "Smart Quarterly", "₹900", 3),
    ("smart-essential", "Smart Essential", "₹2,700", 12),
    ("super-saver", "Super Saver", "₹3,900", 24),
]
CARD = "4242 4242 4242 4242"
MAHARASHTRA = "Maharashtra"
REASON = "Trying the sandbox: reading elsewhere for a while."
DAY = dt.timedelta(days=1)


def day_label(moment: dt.datetime) -> str:
    """'24 Feb 2027': the day in the publisher's time zone, as pages and emails show it."""
    local = timezone.localtime(moment)
    return f"{local.day} {local:%b %Y}"


def metered_story() -> Article:
    """A staff-written metered story with paragraphs past the lead (wire stories may be exempt)."""
    metered = Article.objects.filter(access_level="metered", agency__isnull=True).order_by(
        "-published_at"
    )
    return stories_with_later_paragraphs(metered.select_related("section"), 1)[0]


def expect_gated(page: Page, article: Article, *, kind: str) -> None:
    """The prompt stands where the rest of the story would be; only the lead is in the page."""
    expect(page.locator("h1#headline")).to_have_text(article.headline)
    prompt = page.locator("section.prompt")
    expect(prompt).to_be_visible()
    expect(prompt).to_have_attribute("data-prompt", kind)
    expect(
        page.locator(".story-body p").filter(has_text=snippet(first_paragraph(article))).first
    ).to_be_visible()
    dom = page.content()
    for text in story_snippets(article):
        assert text not in dom, f"the gated page carries {text!r}"


def subjects(messages: list[Any]) -> list[str]:
    return [str(message.subject) for message in messages]


@pytest.mark.parametrize("plan", PLANS, ids=[p[0] for p in PLANS])
def test_subscribe_cancel_and_run_out(
    site: str, page_factory: Any, shoot: Any, mailoutbox: list[Any], plan: tuple[str, str, str, int]
) -> None:
    slug, name, price, months = plan
    # A meter that is used up from the first story, anonymous and signed in alike, so the
    # journey reaches the prompt at once (ahead of the demo's 3 and 5 a month).
    testing.rule(audience=Audience.ANONYMOUS, free_limit=0, position=1)
    testing.rule(audience=Audience.REGISTERED, free_limit=0, position=2)
    story = metered_story()
    story_path = story.get_absolute_url()
    checkout_path = f"/subscribe/checkout/{slug}/"
    email = new_email(f"sub-{slug}")
    page = page_factory(**DESKTOP)

    # 1. An anonymous reader meets the prompt and picks the plan's card.
    page.goto(site + story_path)
    expect_gated(page, story, kind=PromptKind.METER_ANONYMOUS)
    cards = page.locator("section.prompt .plans .plan")
    expect(cards).to_have_count(3)
    card = cards.filter(has=page.locator(".plan-name", has_text=name))
    expect(card.locator(".plan-price")).to_have_text(price)
    card.get_by_role("link").click()

    # 2. Checkout needs an account: log in, or create one there, and come back to checkout.
    expect(page.get_by_role("heading", name="Log in", level=1)).to_be_visible()
    page.get_by_role("link", name="Create your free account").click()
    expect(page.get_by_role("heading", name="Create your free account", level=1)).to_be_visible()
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(STRONG_PASSWORD)
    page.get_by_label("Type the password again").fill(STRONG_PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()
    path = page.evaluate("location.pathname")
    assert path == checkout_path, f"after signing up the reader is at {page.url}"
    every = {3: "every 3 months", 12: "every year", 24: "every 2 years"}[months]
    expect(page.locator(".plan-summary strong")).to_have_text(
        f"Pay {price} today, then {price} {every}"
    )
    pay = page.get_by_role("button", name=f"Pay {price} today and subscribe")
    expect(pay).to_be_visible()

    # 3. Put this sandbox reader on a billing test clock, frozen at now, so the test can move
    # their time forward. Staff do this in the back office ("Put on a test clock", covered by
    # billing/tests/test_admin_clock.py); this journey stays on the reader's side.
    reader = get_user_model().objects.get(email=email)
    customer = services.ensure_customer(user=reader)
    clock = TestClock.objects.create(name=f"journey {slug}", frozen_time=timezone.now())
    customer.test_clock = clock
    customer.save()

    # 4. Paying returns the reader to the story, now in full and no longer gated.
    page.get_by_label("Name on the invoice").fill("Asha Reader")
    page.get_by_label("State (for GST)").select_option(label=MAHARASHTRA)
    page.get_by_label("Card number").fill(CARD)
    pay.click()
    expect(page.locator(".messages")).to_contain_text(
        f"Welcome! Your {name} subscription is active."
    )
    assert page.evaluate("location.pathname") == story_path, f"after paying: {page.url}"
    expect_full_story(page, story)
    expect_meter(page, None)
    shoot(page, f"subscribed-{slug}")

    sub = Subscription.objects.get(customer=customer)
    assert sub.status == SubscriptionStatus.ACTIVE
    assert sub.plan.slug == slug
    assert sub.current_period_start == clock.frozen_time
    assert sub.current_period_end is not None
    end = sub.current_period_end
    assert 28 * months <= (end - clock.frozen_time).days <= 31 * months
    until = day_label(end)
    customer.refresh_from_db()
    assert customer.state_code == "27"  # Maharashtra's GST code

    # 5. My subscription: the plan, the next renewal and its amount; cancelling keeps access
    # until the end of what was paid, and can be undone.
    page.goto(site + "/subscribe/my/")
    expect(page.get_by_role("heading", name="My subscription", level=1)).to_be_visible()
    facts = page.locator("dl.facts")
    expect(facts.locator("dd").first).to_have_text(name)
    expect(facts.locator("dt", has_text="Next renewal")).to_be_visible()
    expect(facts.locator(".next-renewal")).to_have_text(f"{until}, {price}")
    # Cancelling is confirmed on its own page, with an optional reason.
    page.get_by_role("link", name="Cancel subscription").click()
    expect(page.get_by_role("heading", name=f"Cancel {name}?", level=1)).to_be_visible()
    expect(page.locator(".cancel-until")).to_have_text(
        f"You keep reading until {until}. No further charge."
    )
    page.get_by_label("Reading elsewhere").check()
    page.get_by_label("Anything you would like to tell us? (optional)").fill(REASON)
    page.get_by_role("button", name="Yes, cancel my subscription").click()
    expect(page.locator(".access-until")).to_have_text(f"Access until {until}")
    expect(page.locator(".messages")).to_contain_text("Cancelled.")
    expect(page.locator(".messages")).to_contain_text("no further charge")
    expect(page.get_by_role("button", name="Keep my subscription")).to_be_visible()
    expect(facts.locator("dt", has_text="Next renewal")).to_have_count(0)
    expect(page.get_by_role("button", name="Cancel subscription")).to_have_count(0)
    shoot(page, f"cancelled-{slug}")
    sub.refresh_from_db()
    assert sub.cancel_at_period_end
    assert sub.cancellation_reason == REASON
    assert sub.cancellation_reason_code == "elsewhere"

    # 6. Time moves on the reader's billing clock, day by day, with the due work at each step.
    clock.refresh_from_db()
    days_to_end = (end - clock.frozen_time) / DAY
    operations.advance_clocks(days=days_to_end - 1, email=email)
    clock.refresh_from_db()
    assert clock.frozen_time == end - DAY
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.ACTIVE, "access ended before the period's end"
    page.goto(site + story_path)
    expect_full_story(page, story)
    short = settings.PUBLISHER_SHORT_NAME
    sent_before_the_end = subjects([m for m in mailoutbox if email in m.to])

    operations.advance_clocks(days=2, email=email)
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.ENDED
    assert sub.end_reason == "cancelled"
    charges = SandboxCharge.objects.filter(
        customer_ref=customer.gateway_customer_id or f"cus_{customer.pk}"
    )
    assert charges.count() == 1, "a cancelled subscription was charged again"
    assert not PreDebitNotice.objects.filter(subscription=sub).exists()

    page.goto(site + story_path)
    expect_gated(page, story, kind=PromptKind.METER_REGISTERED)
    page.goto(site + "/subscribe/my/")
    expect(page.locator("dl.facts .status-ended")).to_contain_text("Ended")
    expect(page.locator("dl.facts")).to_contain_text("Cancelled by the reader")
    expect(page.get_by_role("link", name="Subscribe again")).to_be_visible()
    expect(page.get_by_role("button", name="Keep my subscription")).to_have_count(0)

    # The reader's billing emails: a receipt with the tax invoice, the cancellation, the
    # warning three days before access ends, and no pre-debit notice for a renewal that
    # will never happen.
    received = [message for message in mailoutbox if email in message.to]
    sent = subjects(received)
    receipts = [m for m in received if str(m.subject).startswith(f"Your {short} receipt (")]
    assert len(receipts) == 1, sent
    pdfs = [a for a in receipts[0].attachments if a[2] == "application/pdf"]
    assert len(pdfs) == 1, receipts[0].attachments
    assert pdfs[0][1].startswith(b"%PDF"), "the receipt's attachment is not a PDF"
    assert sent.count(f"Your {short} subscription is cancelled: access until {until}") == 1, sent
    assert not [s for s in sent if s.startswith("Upcoming charge")], sent
    # Checked last, so every other check has run when it fails: the warning comes while access
    # lasts (it is due three days before the end), once.
    ending = f"Your {short} access ends on {until}"
    assert ending in sent_before_the_end, f"no {ending!r} before access ended: {sent}"
    assert sent.count(ending) == 1, sent
