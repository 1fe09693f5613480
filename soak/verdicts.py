"""The verdicts: judged from the data afterwards (the database, the SMTP sink's file and what
readers received), never from logs. Each is a named function returning a ``Verdict`` whose
detail says, in plain words, what is wrong and where. A failed verdict fails the run.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from soak.ledger import Ledger

LIVE = {"pending", "active", "past_due"}


@dataclass(frozen=True)
class Verdict:
    name: str
    ok: bool
    detail: str


def _examples(items: list[str], n: int = 3) -> str:
    return ", ".join(items[:n]) + (f" (and {len(items) - n} more)" if len(items) > n else "")


def gateway_charges_are_ours_and_once(ledger: Ledger) -> Verdict:
    """No gateway charge without our record, and no invoice charged twice."""
    payments = {p.key: p for p in ledger.payments}
    invoice_of = {p.key: p.invoice_id for p in ledger.payments}
    strangers, mismatched = [], []
    per_invoice: Counter[int] = Counter()
    for charge in ledger.charges:
        if charge.status != "succeeded":
            continue
        ours = payments.get(charge.key)
        if ours is None:
            strangers.append(charge.payment_id or charge.key)
            continue
        per_invoice[invoice_of[charge.key]] += 1
        if (ours.status, ours.amount, ours.currency, ours.gateway_payment_id) != (
            "succeeded", charge.amount, charge.currency, charge.payment_id,
        ):  # fmt: skip
            mismatched.append(charge.payment_id)
    twice = [f"invoice {i} ({n} charges)" for i, n in per_invoice.items() if n > 1]
    problems = []
    if strangers:
        problems.append(
            f"{len(strangers)} gateway charge(s) with no payment of ours under their idempotency "
            f"key — money taken that our ledger does not know: {_examples(strangers)}"
        )
    if twice:
        problems.append(f"{len(twice)} invoice(s) charged more than once: {_examples(twice)}")
    if mismatched:
        problems.append(
            f"{len(mismatched)} charge(s) whose payment is not succeeded or differs in amount, "
            f"currency or id: {_examples(mismatched)}"
        )
    ok_count = sum(c.status == "succeeded" for c in ledger.charges)
    return Verdict(
        "no gateway charge without our record, none twice",
        not problems,
        "; ".join(problems) or f"{ok_count:,} gateway charges, each one succeeded payment of ours",
    )


def paid_invoices_have_one_payment(ledger: Ledger) -> Verdict:
    succeeded: dict[int, list[int]] = defaultdict(list)
    currency: dict[int, set[str]] = defaultdict(set)
    for p in ledger.payments:
        if p.status == "succeeded":
            succeeded[p.invoice_id].append(p.amount)
            currency[p.invoice_id].add(p.currency)
    wrong, unpaid_with_money = [], []
    paid = 0
    for invoice in ledger.invoices:
        amounts = succeeded.get(invoice.id, [])
        if invoice.status == "paid":
            paid += 1
            if amounts != [invoice.total] or currency[invoice.id] != {invoice.currency}:
                wrong.append(
                    f"{invoice.number or invoice.id}: payments {amounts} for {invoice.total}"
                )
        elif amounts:
            unpaid_with_money.append(f"{invoice.number or invoice.id} ({invoice.status})")
    problems = []
    if wrong:
        problems.append(
            f"{len(wrong)} paid invoice(s) without exactly one successful payment of their "
            f"total: {_examples(wrong)}"
        )
    if unpaid_with_money:
        problems.append(
            f"{len(unpaid_with_money)} invoice(s) not paid but holding a successful payment: "
            f"{_examples(unpaid_with_money)}"
        )
    return Verdict(
        "every paid invoice has exactly one successful payment of its total",
        not problems,
        "; ".join(problems) or f"{paid:,} paid invoices, each with one payment of its total",
    )


def one_recurring_invoice_per_period(ledger: Ledger) -> Verdict:
    seen = Counter(
        (i.subscription_id, i.period_start)
        for i in ledger.invoices
        if i.kind == "recurring" and i.status != "void"
    )
    twice = [f"subscription {s} period from {p:%Y-%m-%d}" for (s, p), n in seen.items() if n > 1]
    return Verdict(
        "one recurring invoice per subscription per period",
        not twice,
        f"{len(twice)} period(s) invoiced more than once: {_examples(twice)}"
        if twice
        else f"{sum(seen.values()):,} recurring invoices, one per period",
    )


def invoice_numbers_gap_free(ledger: Ledger) -> Verdict:
    series: dict[tuple[str, str], list[int]] = defaultdict(list)
    for invoice in ledger.invoices:
        if invoice.number and invoice.sequence is not None:
            series[(invoice.number.split("/")[0], invoice.financial_year)].append(invoice.sequence)
    problems = []
    for (prefix, year), numbers in sorted(series.items()):
        expected = set(range(1, max(numbers) + 1))
        missing = sorted(expected - set(numbers))
        repeated = sorted(n for n, c in Counter(numbers).items() if c > 1)
        if missing:
            problems.append(f"series {prefix} {year} skips {_examples([str(n) for n in missing])}")
        if repeated:
            problems.append(
                f"series {prefix} {year} repeats {_examples([str(n) for n in repeated])}"
            )
    return Verdict(
        "invoice numbers gap-free per series and financial year",
        not problems,
        "; ".join(problems)
        or "; ".join(f"{p} {y}: 1..{max(n)}" for (p, y), n in sorted(series.items())),
    )


def nothing_left_to_bill_wrongly(ledger: Ledger) -> Verdict:
    """As the correctness suite's end state: nothing due left undone, no live subscription
    whose paid time has run out, no payment left pending."""
    overdue, lapsed = [], []
    for sub in ledger.subscriptions:
        if sub.status not in LIVE:
            continue
        if sub.next_action_at is not None and sub.next_action_at <= sub.now:
            overdue.append(f"subscription {sub.id}{' on ' + sub.clock if sub.clock else ''}")
        # Ended and nothing scheduled: nobody will ever bill it. (A period may end before its
        # renewal when the notice went late; the charge is then scheduled, and that is fine.)
        if (
            sub.status == "active"
            and sub.current_period_end
            and sub.current_period_end <= sub.now
            and sub.next_action_at is None
        ):
            lapsed.append(f"subscription {sub.id}")
    pending = [f"payment {p.id}" for p in ledger.payments if p.status == "pending"]
    problems = []
    if overdue:
        problems.append(
            f"{len(overdue)} subscription(s) with due work never done: {_examples(overdue)}"
        )
    if lapsed:
        problems.append(
            f"{len(lapsed)} active subscription(s) whose paid period has ended with nothing "
            f"scheduled: "
            f"{_examples(lapsed)}"
        )
    if pending:
        problems.append(f"{len(pending)} payment(s) left pending: {_examples(pending)}")
    live = sum(s.status in LIVE for s in ledger.subscriptions)
    return Verdict(
        "nothing left to bill wrongly",
        not problems,
        "; ".join(problems) or f"{live:,} live subscriptions, none due, none lapsed, none pending",
    )


def meter_held(ledger: Ledger) -> Verdict:
    """No reader read more metered stories than the meter allows, except reads let through
    under the Redis-down policy ("allow"), each recorded as a meter miss — judged reader by
    reader, browser by browser: every story a reader (or browser, by its anonymous id) read
    whole is either one the meter counted for that same reader, at most the limit of them, or
    one recorded as let through for that same reader while the meter was down. One browser's
    recorded misses never excuse another's reads."""
    stories: dict[str, set[int]] = defaultdict(set)
    for read in ledger.reads:
        if read.full:
            stories[read.reader].add(read.story)
    over = []
    for reader, whole in sorted(stories.items()):
        signed_in = reader.startswith("u:")
        allowed = ledger.meter_limits.get("registered" if signed_in else "anonymous",
                                          5 if signed_in else 3)  # fmt: skip
        missed = ledger.meter_misses_allowed.get(reader, set())
        counted = whole - missed
        if len(counted) > allowed:
            who = f"reader {reader[2:]}" if signed_in else f"browser {reader}"
            over.append(
                f"{who} read {len(whole)} stories whole (limit {allowed}, {len(whole & missed)} "
                f"recorded as let through while the meter was down)"
            )
    full = sum(1 for r in ledger.reads if r.full)
    misses = sum(len(m) for m in ledger.meter_misses_allowed.values())
    return Verdict(
        "no reader past the meter except recorded Redis-down reads",
        not over,
        f"{len(over)} reader(s) past the meter: {_examples(over, 4)}"
        if over
        else f"{len(ledger.reads):,} story pages by {len(stories):,} readers and browsers, "
        f"{full:,} whole; {misses} let through while the meter store was down, each recorded "
        "for its own reader",
    )


def newsletter_once(ledger: Ledger) -> Verdict:
    got = Counter(c.recipient for c in ledger.copies)
    ids: dict[str, set[str]] = defaultdict(set)
    for copy in ledger.copies:
        ids[copy.recipient].add(copy.message_id)
    missing = sorted(ledger.recipients - set(got))
    strangers = sorted(set(got) - ledger.recipients)
    repeats = {r: n - 1 for r, n in got.items() if n > 1}
    new_ids = sorted(r for r in repeats if len(ids[r]) > 1)
    problems = []
    if missing:
        problems.append(f"{len(missing)} recipient(s) never got the issue: {_examples(missing)}")
    if strangers:
        problems.append(
            f"{len(strangers)} address(es) got it without a signup: {_examples(strangers)}"
        )
    if new_ids:
        problems.append(
            f"{len(new_ids)} recipient(s) got it twice under different Message-IDs (receivers "
            f"cannot drop the repeat): {_examples(new_ids)}"
        )
    extra = sum(repeats.values())
    if extra > ledger.copies_in_flight_bound:
        problems.append(
            f"{extra} repeated copies, more than the {ledger.copies_in_flight_bound} that can be "
            f"in flight on the connections of {ledger.newsletter_kills} killed sender(s)"
        )
    if ledger.deliveries_unsent:
        problems.append(f"{ledger.deliveries_unsent} delivery record(s) not marked sent")
    return Verdict(
        "each recipient got the issue once (repeats only from killed connections, same Message-ID)",
        not problems,
        "; ".join(problems)
        or f"{len(ledger.recipients):,} recipients, {len(ledger.copies):,} copies; {extra} repeat(s) "
        f"in flight on killed connections, each with its first Message-ID",
    )


def webhooks_processed(ledger: Ledger) -> Verdict:
    waiting = [e.event_id for e in ledger.webhook_events if not e.processed]
    failed = [f"{e.event_id}: {e.error}" for e in ledger.webhook_events if e.error]
    problems = []
    if waiting:
        problems.append(f"{len(waiting)} webhook event(s) never processed: {_examples(waiting)}")
    if failed:
        problems.append(f"{len(failed)} webhook event(s) ended in an error: {_examples(failed)}")
    return Verdict(
        "every webhook event processed",
        not problems,
        "; ".join(problems) or f"{len(ledger.webhook_events):,} events, all processed",
    )


def editions_published(ledger: Ledger) -> Verdict:
    stuck = {k: v for k, v in ledger.editions.items() if k != "ready"}
    return Verdict(
        "every e-paper edition published once the disk was freed",
        not stuck and bool(ledger.editions),
        f"editions not published: {stuck}" if stuck else f"editions by status: {ledger.editions}",
    )


LEDGER_VERDICTS: tuple[Callable[[Ledger], Verdict], ...] = (
    gateway_charges_are_ours_and_once,
    paid_invoices_have_one_payment,
    one_recurring_invoice_per_period,
    invoice_numbers_gap_free,
    nothing_left_to_bill_wrongly,
    meter_held,
    newsletter_once,
    webhooks_processed,
    editions_published,
)


def no_5xx_outside_restart(
    *,
    statuses: list[tuple[float, int]],
    window: tuple[float, float] | None,
    grace: float = 15.0,
    lead: float = 5.0,
) -> Verdict:
    """No 5xx (or no answer) outside the PostgreSQL restart window (from ``lead`` seconds
    before the stop, for requests in flight, to ``grace`` after the start, for connections to
    be made again); those inside are counted, and bounded by the requests made then."""
    bad_out, bad_in, in_window = [], 0, 0
    for started, status in statuses:
        # A request started shortly before the stop is still in flight when it happens.
        inside = window is not None and window[0] - lead <= started <= window[1] + grace
        in_window += inside
        if status >= 500 or status == 0:
            if inside:
                bad_in += 1
            else:
                bad_out.append(f"{status or 'no answer'} at {started:.0f}s")
    return Verdict(
        "no 5xx outside the PostgreSQL restart window",
        not bad_out,
        f"{len(bad_out)} server error(s) outside it: {_examples(bad_out, 5)}"
        if bad_out
        else f"{bad_in} of {in_window} requests failed inside the restart window, none outside",
    )


def every_kind_ran(*, ran: Mapping[str, int], mix: Sequence[str]) -> Verdict:
    """Every kind of traffic in the mix ran during the hold (answered below 500, or for the
    background work, done at least once): a verdict over a mix that thinned out — a pool of
    readers used up, a form no longer found — would judge less than it says."""
    missing = [kind for kind in mix if ran.get(kind, 0) <= 0]
    return Verdict(
        "every kind of traffic in the mix ran during the hold",
        not missing,
        f"{len(missing)} of {len(mix)} kind(s) never ran: {', '.join(missing)}"
        if missing
        else "; ".join(f"{kind} {ran[kind]:,}" for kind in mix),
    )


def judge(ledger: Ledger) -> list[Verdict]:
    return [verdict(ledger) for verdict in LEDGER_VERDICTS]
