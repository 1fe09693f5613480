"""The dashboards' panels: a title, a plot, and the same numbers as a table (and as CSV).

Tables carry plain values (integers in minor units for money, basis points for rates) for the
CSV, and the formatted text (₹1,484.50, 40.0%) for the page, in the publisher's time zone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.safestring import SafeString

from masthead.core.money import Money, format_money
from masthead.insights import charts
from masthead.insights.queries import ConversionReport, RevenueReport

LOCALE = "en_IN"


def money(minor: int, currency: str) -> str:
    return format_money(Money(minor=int(minor), currency=currency), locale=LOCALE, whole=False)


def percent(bp: int | None) -> str:
    if bp is None:
        return "–"
    return f"{bp // 100}.{(bp % 100) // 10}%" if bp >= 0 else f"-{percent(-bp)}"


def share_bp(part: int, whole: int) -> int | None:
    """``part`` of ``whole`` in basis points, half up."""
    if not whole:
        return None
    return (20000 * part + whole) // (2 * whole)


@dataclass
class Table:
    slug: str
    title: str
    columns: list[str]  # for the CSV: plain names
    headers: list[str]  # for the page
    rows: list[list[Any]] = field(default_factory=list)  # plain values (CSV)
    shown: list[list[str]] = field(default_factory=list)  # formatted (page)
    numeric: set[int] = field(default_factory=set)  # right-aligned columns

    def add(self, plain: list[Any], shown: list[str]) -> None:
        self.rows.append(plain)
        self.shown.append(shown)


@dataclass
class Panel:
    table: Table
    chart: SafeString | None = None
    note: str = ""
    wide: bool = False


def _label(code: str) -> str:
    """A code as the page shows it (meter_anonymous → meter anonymous); CSVs keep the code."""
    return code.replace("_", " ")


def _month_label(day: dt.date) -> str:
    return day.strftime("%b %Y")


# --- Revenue ---------------------------------------------------------------------------------


def revenue_panels(report: RevenueReport) -> list[Panel]:  # noqa: PLR0915 - one panel after another
    panels: list[Panel] = []
    currencies = sorted(set(report.movements) | {c for _, v in report.trend for c in v}) or [
        settings.CURRENCY
    ]

    trend = Table(
        "mrr-trend",
        "MRR at each month's end",
        ["month", *[f"mrr_{c.lower()}_minor" for c in currencies]],
        ["Month", *[f"MRR ({c})" for c in currencies]],
        numeric=set(range(1, len(currencies) + 1)),
    )
    for month, values in report.trend:
        trend.add(
            [month.isoformat(), *[values.get(c, 0) for c in currencies]],
            [_month_label(month), *[money(values.get(c, 0), c) for c in currencies]],
        )
    series = [(c, [values.get(c, 0) / 100 for _, values in report.trend]) for c in currencies[:1]]
    panels.append(
        Panel(
            trend,
            charts.line_chart(
                title=f"MRR ({currencies[0]}), last {len(report.trend)} months",
                x_labels=[m.strftime("%b") for m, _ in report.trend],
                series=series,
            ),
            note="Other currencies are in the table (never converted).",
            wide=True,
        )
    )

    moves = Table(
        "mrr-movement",
        f"MRR movement, {_month_label(report.month)}",
        ["currency", "movement", "amount_minor", "customers"],
        ["Currency", "Movement", "Amount", "Customers"],
        numeric={2, 3},
    )
    for currency, m in report.movements.items():
        for label, amount, people in [
            ("Start of month", m.start_mrr, m.customers_start),
            ("New", m.new, m.new_customers),
            ("Expansion", m.expansion, None),
            ("Reactivation", m.reactivation, m.reactivated_customers),
            ("Contraction", -m.contraction, None),
            ("Churn (voluntary)", -m.churn_voluntary, None),
            ("Churn (involuntary)", -m.churn_involuntary, None),
            ("End of month", m.end_mrr, m.customers_end),
        ]:
            moves.add(
                [currency, label, amount, "" if people is None else people],
                [currency, label, money(amount, currency), "" if people is None else str(people)],
            )
    first = next(iter(report.movements.values()), None)
    chart = None
    if first is not None:
        chart = charts.bar_chart(
            title=f"MRR movement ({first.currency})",
            rows=[
                ("New", first.new / 100),
                ("Expansion", first.expansion / 100),
                ("Reactivation", first.reactivation / 100),
                ("Contraction", -first.contraction / 100),
                ("Churn (voluntary)", -first.churn_voluntary / 100),
                ("Churn (involuntary)", -first.churn_involuntary / 100),
            ],
            signed=True,
        )
    panels.append(
        Panel(
            moves, chart, note="Start + new + expansion + reactivation − contraction − churn = end."
        )
    )

    health = Table(
        "health",
        "Churn, retention, ARPU and lifetime value",
        [
            "currency",
            "mrr_minor",
            "arr_minor",
            "paying_customers",
            "customer_churn_bp",
            "revenue_churn_bp",
            "net_revenue_retention_bp",
            "arpu_minor",
            "ltv_minor",
        ],
        [
            "Currency",
            "MRR",
            "ARR",
            "Paying",
            "Customer churn",
            "Revenue churn",
            "Net retention",
            "ARPU",
            "LTV",
        ],
        numeric=set(range(1, 9)),
    )
    for currency, m in report.movements.items():
        churn_bp = share_bp(m.churned_customers, m.customers_start)
        revenue_churn = share_bp(m.churn, m.start_mrr)
        nrr = share_bp(m.start_mrr + m.expansion - m.contraction - m.churn, m.start_mrr)
        ltv = m.lifetime_value
        health.add(
            [
                currency,
                m.end_mrr,
                m.end_mrr * 12,
                m.customers_end,
                churn_bp,
                revenue_churn,
                nrr,
                m.arpu,
                ltv,
            ],
            [
                currency,
                money(m.end_mrr, currency),
                money(m.end_mrr * 12, currency),
                str(m.customers_end),
                percent(churn_bp),
                percent(revenue_churn),
                percent(nrr),
                money(m.arpu, currency),
                money(ltv, currency) if ltv is not None else "– (no churn)",
            ],
        )
    panels.append(
        Panel(
            health,
            note="LTV = ARPU ÷ the month's customer churn. Retention = 100% − churn.",
            wide=True,
        )
    )

    counts = report.counts
    states = Table(
        "subscribers",
        "Subscribers now",
        ["state", "subscribers"],
        ["State", "Subscribers"],
        numeric={1},
    )
    for label, n in [
        ("Active", counts.active),
        ("Trialling", counts.trialling),
        ("Past due", counts.past_due),
        ("Cancelling at period end", counts.cancelling),
    ]:
        states.add([label, n], [label, f"{n:,}"])
    panels.append(
        Panel(
            states,
            charts.bar_chart(
                title="Subscribers by state", rows=[(r[0], r[1]) for r in states.rows]
            ),
        )
    )

    for by, rows in (("plan", report.by_plan), ("gateway", report.by_gateway)):
        table = Table(
            f"mrr-by-{by}",
            f"MRR by {by}",
            ["currency", by, "subscribers", "mrr_minor"],
            ["Currency", by.title(), "Subscribers", "MRR"],
            numeric={2, 3},
        )
        for b in rows:
            table.add(
                [b.currency, b.label, b.subscribers, b.mrr],
                [b.currency, b.label, str(b.subscribers), money(b.mrr, b.currency)],
            )
        main = [b for b in rows if b.currency == currencies[0]]
        panels.append(
            Panel(
                table,
                charts.bar_chart(
                    title=f"MRR by {by} ({currencies[0]})",
                    rows=[(b.label, b.mrr / 100) for b in main],
                )
                if main
                else None,
            )
        )

    due = Table(
        "renewals-due",
        "Renewals due",
        ["window", "currency", "subscribers", "expected_minor"],
        ["Within", "Currency", "Subscribers", "Expected"],
        numeric={2, 3},
    )
    for label, sums in (("7 days", report.due_7), ("30 days", report.due_30)):
        for d in sums:
            due.add(
                [label, d.currency, d.subscribers, d.amount_minor],
                [label, d.currency, str(d.subscribers), money(d.amount_minor, d.currency)],
            )
    panels.append(
        Panel(
            due,
            note=(
                "Expected charges at today's prices (a waiting downgrade at the new plan's "
                "price; trials ending included)."
            ),
        )
    )

    upcoming = Table(
        "renewals-list",
        "Next renewals (30 days)",
        ["subscription", "due", "currency", "expected_minor"],
        ["Subscription", "Due", "Currency", "Expected"],
        numeric={3},
    )
    tz = report.starts_at.tzinfo
    for r, amount in report.renewals_30[:50]:
        local = r.due_at.astimezone(tz)
        upcoming.add(
            [r.subscription_id, local.isoformat(), r.currency, amount],
            [
                f"#{r.subscription_id}",
                local.strftime("%d %b %Y, %H:%M"),
                r.currency,
                money(amount, r.currency),
            ],
        )
    panels.append(Panel(upcoming))

    queue = Table(
        "past-due",
        "Past-due queue",
        [
            "subscription",
            "customer",
            "plan",
            "currency",
            "due_minor",
            "retries",
            "grace_until",
            "last_failure",
        ],
        [
            "Subscription",
            "Customer",
            "Plan",
            "Currency",
            "Due",
            "Retries",
            "Access until",
            "Last failure",
        ],
        numeric={4, 5},
    )
    for p in report.past_due:
        grace = p.grace_until.astimezone(tz) if p.grace_until else None
        queue.add(
            [
                p.subscription_id,
                p.customer,
                p.plan_name,
                p.currency,
                p.amount_due_minor,
                p.retries,
                grace.isoformat() if grace else "",
                p.failure,
            ],
            [
                f"#{p.subscription_id}",
                p.customer,
                p.plan_name,
                p.currency,
                money(p.amount_due_minor, p.currency),
                str(p.retries),
                grace.strftime("%d %b %Y") if grace else "–",
                p.failure or "–",
            ],
        )
    recovery = report.recovery
    panels.append(
        Panel(
            queue,
            note=(
                f"Recovery this month: {recovery.recovered} of {recovery.failed} renewals "
                f"that failed were paid in the end ({percent(recovery.rate_bp)})."
            ),
            wide=True,
        )
    )

    notes = Table(
        "credit-notes",
        f"Refunds and credit notes, {_month_label(report.month)}",
        ["number", "issued", "invoice", "currency", "amount_minor", "reason"],
        ["Credit note", "Issued", "Invoice", "Currency", "Amount", "Reason"],
        numeric={4},
    )
    for c in report.credit_notes:
        local = c.issued_at.astimezone(tz)
        notes.add(
            [c.number, local.isoformat(), c.invoice_number, c.currency, c.amount_minor, c.reason],
            [
                c.number,
                local.strftime("%d %b %Y"),
                c.invoice_number,
                c.currency,
                money(c.amount_minor, c.currency),
                c.reason,
            ],
        )
    panels.append(Panel(notes, wide=True))

    longest = max((len(c.retained) for c in report.cohorts), default=0)
    cohort = Table(
        "cohorts",
        "Cohort retention by first paid month",
        ["cohort", "customers", *[f"month_{k}" for k in range(longest)]],
        ["Started", "Customers", *[f"M{k}" for k in range(longest)]],
        numeric=set(range(1, longest + 2)),
    )
    for k in report.cohorts:  # k: a cohort
        if not k.size:
            continue
        cohort.add(
            [k.month.isoformat(), k.size, *k.retained, *[""] * (longest - len(k.retained))],
            [
                _month_label(k.month),
                str(k.size),
                *[percent(share_bp(n, k.size)) for n in k.retained],
                *[""] * (longest - len(k.retained)),
            ],
        )
    panels.append(
        Panel(
            cohort,
            note="Share of each cohort still paying at the end of its month 0, 1, 2…",
            wide=True,
        )
    )
    # Laid out so the half-width panels pair up on a laptop.
    order = ["mrr-trend", "health", "mrr-movement", "subscribers", "mrr-by-plan", "mrr-by-gateway"]
    return sorted(panels, key=lambda p: order.index(p.table.slug) if p.table.slug in order else 99)


# --- Conversion ------------------------------------------------------------------------------

STAGES = [
    ("story_view", "Story views"),
    ("prompt", "Prompts"),
    ("subscribe_click", "Subscribe clicks"),
    ("checkout_started", "Checkouts"),
    ("checkout_paid", "Paid"),
]


def _funnel_table(slug: str, title: str, rows: list[Any], label: str) -> Table:
    table = Table(
        slug,
        title,
        [
            label,
            *[k for k, _ in STAGES],
            "prompt_rate_bp",
            "click_rate_bp",
            "checkout_rate_bp",
            "paid_rate_bp",
            "view_to_paid_bp",
        ],
        [
            label.title(),
            *[n for _, n in STAGES],
            "Prompted",
            "Clicked",
            "Checked out",
            "Paid",
            "Views → paid",
        ],
        numeric=set(range(1, 11)),
    )
    for row in rows:
        c = row.counts
        rates = [
            row.rate_bp("story_view", "prompt"),
            row.rate_bp("prompt", "subscribe_click"),
            row.rate_bp("subscribe_click", "checkout_started"),
            row.rate_bp("checkout_started", "checkout_paid"),
            row.rate_bp("story_view", "checkout_paid"),
        ]
        table.add(
            [row.starts.isoformat(), *[c.get(k, 0) for k, _ in STAGES], *rates],
            [
                row.starts.strftime("%d %b"),
                *[f"{c.get(k, 0):,}" for k, _ in STAGES],
                *[percent(r) for r in rates],
            ],
        )
    return table


def conversion_panels(report: ConversionReport) -> list[Panel]:
    panels = []
    totals = report.totals.counts
    funnel = Table(
        "funnel",
        "The funnel",
        ["stage", "count", "of_previous_bp"],
        ["Stage", "Count", "Of the stage before"],
        numeric={1, 2},
    )
    previous = None
    for kind, name in STAGES:
        n = totals.get(kind, 0)
        rate = share_bp(n, previous) if previous is not None else None
        funnel.add([kind, n, rate], [name, f"{n:,}", percent(rate)])
        previous = n
    panels.append(
        Panel(
            funnel,
            charts.bar_chart(
                title="Funnel", rows=[(name, totals.get(kind, 0)) for kind, name in STAGES]
            ),
        )
    )

    daily = _funnel_table("daily", "Per day", report.daily, "day")
    panels.append(
        Panel(
            daily,
            charts.line_chart(
                title="Prompts and paid per day",
                x_labels=[r.starts.strftime("%d %b") for r in report.daily],
                series=[
                    ("Prompts", [r.counts.get("prompt", 0) for r in report.daily]),
                    (
                        "Subscribe clicks",
                        [r.counts.get("subscribe_click", 0) for r in report.daily],
                    ),
                    ("Paid", [r.counts.get("checkout_paid", 0) for r in report.daily]),
                ],
            ),
            wide=True,
        )
    )
    panels.append(
        Panel(_funnel_table("weekly", "Per week (from Monday)", report.weekly, "week"), wide=True)
    )

    names = {
        "prompt": "prompt",
        "meter_rule": "meter rule",
        "plan": "plan",
        "section": "section",
        "author": "author",
        "referrer": "referrer",
        "device": "device class",
    }
    for dimension, rows in report.breakdowns.items():
        upper = "Checkouts" if dimension == "plan" else "Prompts"
        table = Table(
            f"by-{dimension.replace('_', '-')}",
            f"By {names[dimension]}",
            [dimension, upper.lower(), "paid", "rate_bp"],
            [names[dimension].capitalize(), upper, "Paid", "Rate"],
            numeric={1, 2, 3},
        )
        for r in rows:
            table.add(
                [r.value, r.prompts, r.paid, r.rate_bp],
                [_label(r.value), f"{r.prompts:,}", f"{r.paid:,}", percent(r.rate_bp)],
            )
        chart = (
            charts.bar_chart(
                title=f"Paid by {names[dimension]}",
                rows=[(_label(r.value), r.paid) for r in rows[:8]],
            )
            if rows
            else None
        )
        panels.append(Panel(table, chart))

    for slug, title, story_rows in (
        ("top-today", "Top converting stories today (last story read)", report.top_today),
        ("top-month", "Top converting stories this month (last story read)", report.top_month),
        (
            "first-stories",
            "Stories that started converting visits this month",
            report.first_stories_month,
        ),
    ):
        table = Table(
            slug,
            title,
            ["story_id", "title", "path", "paid"],
            ["Story", "Title", "", "Paid"],
            numeric={3},
        )
        for story in story_rows:
            table.add(
                [story.story_id, story.title, story.path, story.paid],
                [f"#{story.story_id}", story.title, story.path, str(story.paid)],
            )
        panels.append(Panel(table, wide=True))

    wall = Table(
        "registration-wall",
        "Registration wall",
        ["registration_prompts", "sign_ups", "rate_bp"],
        ["Prompts shown", "Sign-ups", "Rate"],
        numeric={0, 1, 2},
    )
    rate = share_bp(report.registrations, report.registration_prompts)
    wall.add(
        [report.registration_prompts, report.registrations, rate],
        [f"{report.registration_prompts:,}", f"{report.registrations:,}", percent(rate)],
    )
    panels.append(
        Panel(
            wall,
            note="Sign-ups of the period (all of them) against the registration prompts shown.",
        )
    )

    meter = Table(
        "meter",
        "Free stories used this month",
        ["stories_used", "readers"],
        ["Stories used", "Readers"],
        numeric={0, 1},
    )
    for used, readers in report.meter:
        meter.add([used, readers], [str(used), f"{readers:,}"])
    panels.append(
        Panel(
            meter,
            charts.bar_chart(
                title="Readers by free stories used", rows=[(str(u), n) for u, n in report.meter]
            ),
        )
    )
    return panels
