"""Each verdict fed a small hand-built ledger: a good one holds, a bad one fails naming the
defect. These run in the normal suite (no cluster; milliseconds)."""

from __future__ import annotations

import datetime as dt

from soak import verdicts
from soak.ledger import (
    Charge,
    Copy,
    Invoice,
    Ledger,
    Payment,
    Read,
    Subscription,
    WebhookEvent,
)

JAN = dt.datetime(2026, 1, 31, 6, 30, tzinfo=dt.UTC)
MAY = dt.datetime(2026, 5, 1, 6, 30, tzinfo=dt.UTC)
BROWSER_A, BROWSER_B = "a" * 32, "b" * 32


def good() -> Ledger:
    """One reader, first quarter and one renewal, both paid once, numbered 1 and 2."""
    return Ledger(
        charges=[
            Charge("checkout:1", "pay_1", 29900, "INR", "succeeded"),
            Charge("renewal:1:202604300630:1", "pay_2", 29900, "INR", "succeeded"),
        ],
        payments=[
            Payment(1, 10, "checkout:1", "succeeded", 29900, "INR", "pay_1"),
            Payment(2, 11, "renewal:1:202604300630:1", "succeeded", 29900, "INR", "pay_2"),
        ],
        invoices=[
            Invoice(10, 1, "initial", "paid", JAN, 29900, "INR", "2025-26", 1, "ML/2526/000001"),
            Invoice(11, 1, "recurring", "paid", MAY, 29900, "INR", "2026-27", 1, "ML/2627/000001"),
        ],
        subscriptions=[
            Subscription(
                1,
                "active",
                MAY + dt.timedelta(days=88),
                MAY + dt.timedelta(days=90),
                MAY + dt.timedelta(days=1),
            )
        ],
        webhook_events=[WebhookEvent("evt_1", True, "")],
        recipients={"a@example.com", "b@example.com"},
        copies=[Copy("a@example.com", "<1@x>"), Copy("b@example.com", "<2@x>")],
        reads=[
            *(Read("u:7", story, True) for story in (1, 2, 3, 4, 5)),
            *(Read(f"a:{BROWSER_A}", story, True) for story in (1, 2, 3)),
            Read(f"a:{BROWSER_A}", 4, False),
        ],
        meter_limits={"anonymous": 3, "registered": 5},
        editions={"ready": 2},
    )


def test_a_clean_ledger_holds_every_verdict():
    found = verdicts.judge(good())
    assert [v.name for v in found if not v.ok] == []
    assert len(found) == len(verdicts.LEDGER_VERDICTS)


def test_a_double_charge_fails_naming_the_invoice():
    ledger = good()
    # The planted bug's shape: a retried renewal sent without its key, charged again.
    ledger.charges.append(
        Charge("renewal:1:202604300630:1:ab12cd34", "pay_3", 29900, "INR", "succeeded")
    )
    verdict = verdicts.gateway_charges_are_ours_and_once(ledger)
    assert not verdict.ok
    assert "1 gateway charge(s) with no payment of ours" in verdict.detail
    assert "pay_3" in verdict.detail


def test_an_invoice_charged_twice_under_two_keys_fails():
    ledger = good()
    ledger.payments.append(
        Payment(3, 11, "renewal:1:202604300630:2", "failed", 29900, "INR", "pay_4")
    )
    ledger.charges.append(Charge("renewal:1:202604300630:2", "pay_4", 29900, "INR", "succeeded"))
    verdict = verdicts.gateway_charges_are_ours_and_once(ledger)
    assert not verdict.ok
    assert "invoice 11 (2 charges)" in verdict.detail


def test_a_paid_invoice_with_two_payments_fails():
    ledger = good()
    ledger.payments.append(Payment(4, 11, "paynow:1", "succeeded", 29900, "INR", "pay_5"))
    verdict = verdicts.paid_invoices_have_one_payment(ledger)
    assert not verdict.ok
    assert "ML/2627/000001: payments [29900, 29900] for 29900" in verdict.detail


def test_a_recurring_invoice_twice_in_one_period_fails():
    ledger = good()
    ledger.invoices.append(Invoice(12, 1, "recurring", "open", MAY, 29900, "INR"))
    verdict = verdicts.one_recurring_invoice_per_period(ledger)
    assert not verdict.ok
    assert "subscription 1 period from 2026-05-01" in verdict.detail


def test_a_gap_in_invoice_numbers_fails_naming_the_missing_number():
    ledger = good()
    ledger.invoices.append(
        Invoice(13, 2, "initial", "paid", MAY, 100, "INR", "2026-27", 3, "ML/2627/000003")
    )
    verdict = verdicts.invoice_numbers_gap_free(ledger)
    assert not verdict.ok
    assert verdict.detail == "series ML 2026-27 skips 2"


def test_due_work_left_undone_fails():
    ledger = good()
    ledger.subscriptions.append(Subscription(2, "active", MAY, MAY + dt.timedelta(days=1),
                                             MAY + dt.timedelta(hours=2), "soak-0"))  # fmt: skip
    verdict = verdicts.nothing_left_to_bill_wrongly(ledger)
    assert not verdict.ok
    assert "due work never done: subscription 2 on soak-0" in verdict.detail


def test_a_reader_past_the_meter_without_a_recorded_miss_fails():
    ledger = good()
    ledger.reads.append(Read("u:7", 6, True))
    verdict = verdicts.meter_held(ledger)
    assert not verdict.ok
    assert "reader 7 read 6 stories whole (limit 5, 0 recorded" in verdict.detail
    # The same read, let through while Redis was down and recorded: allowed.
    ledger.meter_misses_allowed = {"u:7": {6}}
    assert verdicts.meter_held(ledger).ok


def test_one_browsers_recorded_misses_do_not_excuse_anothers_reads():
    # Browser A read a fourth story whole while the meter was down, recorded for A. Browser B
    # read four whole with nothing recorded for B. Summed over browsers the books balance
    # (1 read past the meter, 1 recorded): browser by browser, B is past the meter.
    ledger = good()
    ledger.reads.append(Read(f"a:{BROWSER_A}", 5, True))
    ledger.reads += [Read(f"a:{BROWSER_B}", story, True) for story in (1, 2, 3, 4)]
    ledger.meter_misses_allowed = {f"a:{BROWSER_A}": {5}}
    verdict = verdicts.meter_held(ledger)
    assert not verdict.ok
    assert f"browser a:{BROWSER_B} read 4 stories whole (limit 3, 0 recorded" in verdict.detail
    assert BROWSER_A not in verdict.detail


def test_a_miss_recorded_for_another_story_does_not_excuse_a_read():
    # Browser A's miss was recorded for story 9; it read story 5 whole past the meter.
    ledger = good()
    ledger.reads.append(Read(f"a:{BROWSER_A}", 5, True))
    ledger.meter_misses_allowed = {f"a:{BROWSER_A}": {9}}
    verdict = verdicts.meter_held(ledger)
    assert not verdict.ok
    assert f"browser a:{BROWSER_A} read 4 stories whole (limit 3, 0 recorded" in verdict.detail


def test_a_newsletter_repeat_under_a_new_message_id_fails():
    ledger = good()
    ledger.copies.append(Copy("a@example.com", "<9@x>"))
    ledger.newsletter_kills, ledger.copies_in_flight_bound = 1, 800
    verdict = verdicts.newsletter_once(ledger)
    assert not verdict.ok
    assert "under different Message-IDs" in verdict.detail
    # The same Message-ID again (a copy in flight on a killed connection): counted, held.
    ledger.copies[-1] = Copy("a@example.com", "<1@x>")
    held = verdicts.newsletter_once(ledger)
    assert held.ok
    assert "1 repeat(s) in flight" in held.detail


def test_a_recipient_never_sent_fails():
    ledger = good()
    ledger.copies.pop()
    verdict = verdicts.newsletter_once(ledger)
    assert not verdict.ok
    assert "never got the issue: b@example.com" in verdict.detail


def test_an_unprocessed_webhook_fails():
    ledger = good()
    ledger.webhook_events.append(WebhookEvent("evt_2", False, ""))
    verdict = verdicts.webhooks_processed(ledger)
    assert not verdict.ok
    assert "never processed: evt_2" in verdict.detail


def test_server_errors_count_only_inside_the_database_restart_window():
    inside = verdicts.no_5xx_outside_restart(statuses=[(10, 200), (31, 502), (40, 500)],
                                             window=(30, 35))  # fmt: skip
    assert inside.ok
    assert inside.detail.startswith("2 of 2 requests failed inside")
    outside = verdicts.no_5xx_outside_restart(statuses=[(10, 500), (31, 200)], window=(30, 35))
    assert not outside.ok
    assert "500 at 10s" in outside.detail


MIX = ("anonymous read", "checkout", "cancel", "undo cancel", "renewals invoiced")


def test_a_mix_with_every_kind_run_holds():
    ran = {"anonymous read": 40, "checkout": 3, "cancel": 2, "undo cancel": 2,
           "renewals invoiced": 150, "something else": 1}  # fmt: skip
    verdict = verdicts.every_kind_ran(ran=ran, mix=MIX)
    assert verdict.ok
    assert "checkout 3" in verdict.detail


def test_a_mix_that_thinned_out_fails_naming_what_never_ran():
    # The hold at 76.8 actions/s: the seeded readers able to check out ran out in the search.
    ran = {"anonymous read": 40, "checkout": 0, "cancel": 2, "renewals invoiced": 150}
    verdict = verdicts.every_kind_ran(ran=ran, mix=MIX)
    assert not verdict.ok
    assert verdict.detail == "2 of 5 kind(s) never ran: checkout, undo cancel"
