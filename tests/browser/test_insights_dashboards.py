"""The revenue team's dashboards in a real browser, on a laptop and a phone, with months of
demo history behind them (``load_demo --history``): screenshots kept as test artifacts."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from masthead.billing import demo_history
from masthead.insights import demo as insights_demo
from tests.browser.helpers import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def history(demo: None) -> None:
    paying = demo_history.load(months=6, readers=120)
    insights_demo.load(paying=paying, days=35, per_day=300)


def sign_in_as_admin(page: Any, site: str, next_url: str) -> None:
    # The admin's login page sends staff to the site's sign-in (issue 15).
    page.goto(f"{site}/admin/login/?next={next_url}")
    page.get_by_label("Email address").fill("admin@example.com")
    page.get_by_label("Password").fill("run-the-ledger-1997")
    page.get_by_role("button", name="Log in").click()


@pytest.mark.parametrize(("device", "size"), [("laptop", DESKTOP), ("phone", PHONE)])
def test_the_revenue_and_conversion_dashboards_show_plots_and_tables(  # noqa: PLR0917 - fixtures
    site: str, history: None, page_factory: Any, shoot: Any, device: str, size: dict[str, Any]
) -> None:
    page = page_factory(**size)
    sign_in_as_admin(page, site, "/admin/insights/revenue/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Revenue")
    expect(page.locator("#mrr-trend svg.chart >> visible=true")).to_be_visible()
    expect(page.locator("#mrr-movement table")).to_contain_text("End of month")
    expect(page.locator("#cohorts table")).to_be_visible()
    # Nothing spills sideways on a phone: tables scroll inside their panels.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1
    shoot(page, f"insights-revenue-{device}")

    with page.expect_download() as download:
        page.locator("#mrr-movement h2 a", has_text="CSV").click()
    assert download.value.suggested_filename.startswith("revenue-")

    page.get_by_role("link", name="Conversion").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Conversion")
    expect(page.locator("#funnel svg.chart >> visible=true")).to_be_visible()
    expect(page.locator("#top-month table")).to_be_visible()
    expect(page.locator("#meter svg.chart >> visible=true")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"] + 1
    shoot(page, f"insights-conversion-{device}")
