"""Demo content for the plan benefits: the Market Analysis vertical and today's premium picks.

Invented for demonstration, like ``demo_stories``; loaded by ``newsroom.demo.load``.
"""

from __future__ import annotations

from typing import Final

from masthead.newsroom.demo_stories import DemoStory

MARKET_ANALYSIS_SECTION: Final = (
    "market-analysis",
    "Market Analysis",
    "In-depth market analysis and investment insights from The Ledger Investor desk.",
    25,
)

# slug -> place in the day's premium selection
PREMIUM_PICKS: Final[dict[str, int]] = {
    "nifty-earnings-season-what-the-numbers-hide": 1,
    "why-bond-yields-may-not-follow-the-rate-cuts": 2,
}

STORIES: Final[list[DemoStory]] = [
    {
        "slug": "nifty-earnings-season-what-the-numbers-hide",
        "headline": "Nifty earnings season: what the headline numbers hide",
        "standfirst": (
            "Profits beat estimates for the third quarter running, but strip out banks and "
            "energy and the picture is far less flattering."
        ),
        "section": "market-analysis",
        "authors": ["ananya-rao"],
        "dateline": "Mumbai",
        "published": "days_ago:0",
        "access": "premium",
        "body": [
            (
                "Two-thirds of the way through the results season, the Nifty's constituents have "
                "reported aggregate net profit growth of 14%, comfortably ahead of the 9% "
                "analysts pencilled in at the start of the quarter."
            ),
            (
                "Look closer and the beat is narrow. Lenders and the two largest energy "
                "companies account for nearly all of the upside; the remaining 38 companies "
                "grew profits by a little over 4%."
            ),
            "[[more]]",
            "## Margins, not volumes",
            (
                "Consumer companies reported flat volumes for a second quarter. Their margins "
                "held up only because raw material costs fell faster than prices, a cushion "
                "that is already thinning as palm oil and crude rise again."
            ),
            (
                "Valuations assume the broadening happens. At 21 times forward earnings the "
                "index is pricing in growth outside finance that the results have not yet "
                "delivered, which argues for staying with quality lenders over consumer names."
            ),
        ],
    },
    {
        "slug": "why-bond-yields-may-not-follow-the-rate-cuts",
        "headline": "Why bond yields may not follow the rate cuts down",
        "standfirst": (
            "Heavy state borrowing and thinner foreign demand could keep the ten-year yield "
            "stubborn even as the central bank eases."
        ),
        "section": "market-analysis",
        "authors": ["meera-krishnan"],
        "dateline": "New Delhi",
        "published": "days_ago:0",
        "access": "premium",
        "body": [
            (
                "Bond traders who bought the ten-year paper ahead of the rate cut have had a "
                "frustrating month: the policy rate fell 25 basis points, the benchmark yield "
                "barely six."
            ),
            (
                "The reason is supply. States plan to borrow a record amount in the next "
                "quarter, and their auctions are crowding the same buyers the centre relies on."
            ),
            "[[more]]",
            (
                "Foreign investors, who bought heavily after index inclusion, have slowed their "
                "purchases as the rupee weakened, removing the marginal buyer of long bonds."
            ),
            (
                "For savers the lesson is to prefer the short end: three- to five-year paper "
                "captures most of the easing with far less exposure to the supply overhang."
            ),
        ],
    },
    {
        "slug": "gold-etf-flows-signal-a-shift-in-household-savings",
        "headline": "Gold ETF flows signal a shift in household savings",
        "standfirst": (
            "Monthly inflows into gold funds have tripled in a year as households hedge "
            "against a weaker rupee."
        ),
        "section": "market-analysis",
        "authors": ["ananya-rao"],
        "dateline": "Mumbai",
        "published": "days_ago:2",
        "access": "metered",
        "body": [
            (
                "Gold exchange-traded funds took in more money last month than in the whole of "
                "the first half of last year, according to industry data."
            ),
            (
                "Advisers say the flows come from first-time investors who would once have "
                "bought jewellery or coins, and now want a holding they can sell in a click."
            ),
            (
                "The shift matters for markets: money parked in gold funds is money not "
                "flowing into equity schemes, which saw their slowest month since the spring."
            ),
            (
                "A stronger rupee would slow the trade, but few expect one before the "
                "current account improves."
            ),
        ],
    },
]
