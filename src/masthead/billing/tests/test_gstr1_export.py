"""GSTR-1 from a month built by hand: every figure below is worked from the documents, not
from the code under test (reference note §5: tables, headers, codes; Notification 12/2024 for
the ₹1 lakh B2CL line)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse

from masthead.billing.gstr1.formats import HEADERS, csv_files, returns_json, zip_bytes
from masthead.billing.gstr1.sections import build_return, period_bounds
from masthead.billing.models import (
    CreditNote,
    ExchangeRate,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Payment,
    PaymentStatus,
)

pytestmark = pytest.mark.django_db(transaction=True)
IST = ZoneInfo("Asia/Kolkata")
BUYER_GSTIN = "29AABCM1234F1ZT"


def day(n: int) -> dt.datetime:
    return dt.datetime(2026, 11, n, 11, 0, tzinfo=IST)


@pytest.fixture
def month(reader):
    """November 2026 for a publisher in Maharashtra (27), GST at 18 %."""
    sub = reader.subscribe("smart-quarterly")
    # The checkout's own invoice is in January; this month's documents are made by hand.
    made: dict[int, Invoice] = {}

    def invoice(seq, on, *, value, taxable, igst=0, cgst=0, sgst=0, pos, kind="B2C", gstin="",
                currency="INR", rate=1800):  # fmt: skip
        inv = Invoice.objects.create(
            customer=reader.customer, subscription=sub, kind=InvoiceKind.PRORATION,
            status=InvoiceStatus.PAID, period_start=day(on), period_end=day(on) + dt.timedelta(90),
            currency=currency, total_minor=value, taxable_minor=taxable, igst_minor=igst,
            cgst_minor=cgst, sgst_minor=sgst, round_off_minor=value - taxable - igst - cgst - sgst,
            tax_rate_bp=rate, place_of_supply=pos, supply_type=kind, description="Smart",
            number=f"ML/2627/{seq:06d}", financial_year="2026-27", sequence=seq,
            buyer={"name": "Acme Media" if gstin else "Reader", "gstin": gstin, "state_code": pos},
            issued_at=day(on),
        )  # fmt: skip
        made[seq] = inv
        return inv

    # 1 B2B, Karnataka: ₹2,700 incl. 18%: taxable 2700/1.18 = 2288.14; IGST 18% × 2288.14 =
    #   411.8652 → 411.87; round off −0.01.
    invoice(1, 3, value=270_000, taxable=228_814, igst=41_187, pos="29", kind="B2B",
            gstin=BUYER_GSTIN)  # fmt: skip
    # 2 B2CS within Maharashtra: ₹900 → 762.71, CGST = SGST = 68.64, round off +0.01.
    invoice(2, 4, value=90_000, taxable=76_271, cgst=6_864, sgst=6_864, pos="27")
    # 3 B2CS Karnataka: ₹900 → 762.71, IGST 137.29.
    invoice(3, 5, value=90_000, taxable=76_271, igst=13_729, pos="29")
    # 4 B2CL Delhi: ₹1,18,000 (> ₹1,00,000, inter-State, unregistered): 100000 + 18000.
    invoice(4, 10, value=11_800_000, taxable=10_000_000, igst=1_800_000, pos="07")
    # 5 B2CS within Maharashtra: ₹2,700 → 2288.14 + 205.93 + 205.93.
    invoice(5, 11, value=270_000, taxable=228_814, cgst=20_593, sgst=20_593, pos="27")
    # 6 Export under LUT, in rupees: ₹4,000, no tax.
    invoice(6, 12, value=400_000, taxable=400_000, pos="96", kind="EXPWOP", rate=0)
    # 7 Export in dollars on the 13th: no rate covers that day, so it waits (Rule 34): listed,
    #   not summed.
    invoice(7, 13, value=4_500, taxable=4_500, pos="96", kind="EXPWOP", rate=0,
            currency="USD")  # fmt: skip
    # 8 A reader in Maharashtra paying in dollars on the 14th: $45.00 incl. 18%:
    #   45/1.18 = 38.1356 → $38.14; CGST = SGST = 9% × 38.14 = 3.4326 → $3.43; no round off.
    #   At the accountant's ₹84.1234 for 14–27 Nov (Rule 34(2)): value 4500 × 84.1234 / 100 =
    #   3785.553 → ₹3,785.55; taxable 3814 × 84.1234 / 100 = 3208.466 → ₹3,208.47;
    #   CGST = SGST = 9% × 3208.47 = 288.762 → ₹288.76; round off 3785.55 − 3208.47 −
    #   577.52 = −₹0.44. A B2CS supply within Maharashtra.
    invoice(8, 14, value=4_500, taxable=3_814, cgst=343, sgst=343, pos="27", currency="USD")
    ExchangeRate.objects.create(
        currency="USD", valid_from=dt.date(2026, 11, 14), valid_until=dt.date(2026, 11, 27),
        inr_per_unit=Decimal("84.1234"), source="RBI reference rate",
    )  # fmt: skip

    def note(seq, on, against, *, value, taxable, igst=0, cgst=0, sgst=0):
        inv = made[against]
        payment = Payment.objects.create(
            invoice=inv, amount_minor=inv.total_minor, currency="INR", gateway="sandbox",
            idempotency_key=f"p{against}", status=PaymentStatus.SUCCEEDED,
        )  # fmt: skip
        CreditNote.objects.create(
            invoice=inv, payment=payment, amount_minor=value, taxable_minor=taxable,
            igst_minor=igst, cgst_minor=cgst, sgst_minor=sgst,
            round_off_minor=value - taxable - igst - cgst - sgst, currency="INR",
            idempotency_key=f"n{seq}", number=f"MLC/2627/{seq:06d}", financial_year="2026-27",
            sequence=seq, issued_at=day(on),
        )  # fmt: skip

    # ₹450 back on invoice 2: 450/1.18 = 381.36; 9% × 381.36 = 34.32 each.
    note(1, 18, 2, value=45_000, taxable=38_136, cgst=3_432, sgst=3_432)
    # ₹1,350 back on invoice 1 (B2B): 1144.07 + IGST 205.93.
    note(2, 20, 1, value=135_000, taxable=114_407, igst=20_593)
    # ₹11,800 back on invoice 4 (B2CL): 10000 + 1800.
    note(3, 21, 4, value=1_180_000, taxable=1_000_000, igst=180_000)
    start, end = period_bounds(month="2026-11")
    return build_return(start=start, end=end)


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_every_table_of_the_hand_built_month(month):
    files = csv_files(month)
    for name, text in files.items():
        header = HEADERS[name.removesuffix(".csv").split("(")[0]]
        assert rows(text)[0] == header.split(","), name
    assert rows(files["b2b.csv"])[1:] == [
        [BUYER_GSTIN, "Acme Media", "ML/2627/000001", "03-Nov-2026", "2700.00", "29-Karnataka",
         "N", "", "Regular B2B", "", "18", "2288.14", "0.00"],
    ]  # fmt: skip
    assert rows(files["b2cl.csv"])[1:] == [
        ["ML/2627/000004", "10-Nov-2026", "118000.00", "07-Delhi", "", "18", "100000.00",
         "0.00", ""],
    ]  # fmt: skip
    # B2CS net of its credit note: Maharashtra 762.71 + 2288.14 − 381.36 = 2669.49, plus the
    # dollar invoice's ₹3,208.47 = 5877.96.
    assert rows(files["b2cs.csv"])[1:] == [
        ["OE", "27-Maharashtra", "", "18", "5877.96", "0.00", ""],
        ["OE", "29-Karnataka", "", "18", "762.71", "0.00", ""],
    ]
    assert rows(files["cdnr.csv"])[1:] == [
        [BUYER_GSTIN, "Acme Media", "MLC/2627/000002", "20-Nov-2026", "C", "29-Karnataka", "N",
         "Regular B2B", "1350.00", "", "18", "1144.07", "0.00"],
    ]  # fmt: skip
    assert rows(files["cdnur.csv"])[1:] == [
        ["B2CL", "MLC/2627/000003", "21-Nov-2026", "C", "07-Delhi", "11800.00", "", "18",
         "10000.00", "0.00"],
    ]  # fmt: skip
    assert rows(files["exp.csv"])[1:] == [
        ["WOPAY", "ML/2627/000006", "12-Nov-2026", "4000.00", "", "", "", "0", "4000.00", "0.00"]
    ]
    # HSN (B2B): 2700 − 1350 = 1350.00; taxable 2288.14 − 1144.07 = 1144.07;
    # IGST 411.87 − 205.93 = 205.94.
    assert [r[4:] for r in rows(files["hsn(b2b).csv"])[1:]] == [
        ["1350.00", "18", "1144.07", "205.94", "0.00", "0.00", "0.00"]
    ]
    assert rows(files["hsn(b2b).csv"])[1][:4] == [
        "998431",
        "On-line text based information such as online books, newspapers",
        "NA",
        "0",
    ]
    # HSN (B2C) at 18%: 900 + 900 + 118000 + 2700 − 450 − 11800 + 3785.55 = 114035.55;
    # taxable 762.71 + 762.71 + 100000 + 2288.14 − 381.36 − 10000 + 3208.47 = 96640.67;
    # IGST 137.29 + 18000 − 1800 = 16337.29;
    # CGST = SGST = 68.64 + 205.93 − 34.32 + 288.76 = 529.01.
    assert [r[4:] for r in rows(files["hsn(b2c).csv"])[1:]] == [
        ["4000.00", "0", "4000.00", "0.00", "0.00", "0.00", "0.00"],
        ["114035.55", "18", "96640.67", "16337.29", "529.01", "529.01", "0.00"],
    ]
    # Table 13: the waiting USD invoice took a number too.
    assert rows(files["docs.csv"])[1:] == [
        ["Invoices for outward supply", "ML/2627/000001", "ML/2627/000008", "8", "0"],
        ["Credit Note", "MLC/2627/000001", "MLC/2627/000003", "3", "0"],
    ]
    assert month.unconverted == ["ML/2627/000007"]


def test_the_totals_reconcile_to_the_ledger(month):
    # Invoices in rupees: 2700 + 900 + 900 + 118000 + 2700 + 4000 = 1,29,200.00, and the
    # dollar invoice at ₹3,785.55: 1,32,985.55; credit notes 450 + 1350 + 11800 = 13,600.00;
    # net 1,19,385.55.
    assert month.invoices_total.value == 13_298_555
    assert month.credit_notes_total.value == 1_360_000
    assert month.net.value == 11_938_555
    sections = (
        sum(r.amounts.value for r in month.b2b + month.b2cl + month.exp)
        - sum(r.amounts.value for r in month.cdnr + month.cdnur)
        + sum(a.value for a in month.b2cs.values())
    )
    assert sections == month.net.value
    hsn = sum(a.value for a in [*month.hsn_b2b.values(), *month.hsn_b2c.values()])
    assert hsn == month.net.value


def test_the_json_is_in_the_returns_layout(month, settings):
    data = returns_json(month)
    assert (data["gstin"], data["fp"]) == (settings.PUBLISHER_GSTIN, "112026")
    [b2b] = data["b2b"]
    assert b2b["ctin"] == BUYER_GSTIN
    [inv] = b2b["inv"]
    assert (inv["inum"], inv["idt"], inv["val"], inv["pos"]) == (
        "ML/2627/000001", "03-11-2026", 2700.0, "29",
    )  # fmt: skip
    assert inv["itms"][0]["itm_det"] == {
        "txval": 2288.14, "rt": 18, "iamt": 411.87, "camt": 0.0, "samt": 0.0, "csamt": 0,
    }  # fmt: skip
    intra = next(r for r in data["b2cs"] if r["pos"] == "27")
    assert (intra["sply_ty"], intra["txval"], intra["camt"]) == ("INTRA", 5877.96, 529.01)
    assert data["doc_issue"]["doc_det"][0]["docs"][0]["totnum"] == 8


def test_the_zip_opens_with_the_files_the_offline_tool_reads(month):
    archive = zipfile.ZipFile(io.BytesIO(zip_bytes(month)))
    assert set(archive.namelist()) == {
        "b2b.csv", "b2cl.csv", "b2cs.csv", "cdnr.csv", "cdnur.csv", "exp.csv",
        "hsn(b2b).csv", "hsn(b2c).csv", "docs.csv", "gstr1.json",
    }  # fmt: skip
    assert json.loads(archive.read("gstr1.json"))["fp"] == "112026"


def test_the_command_writes_the_months_zip(month, tmp_path):
    out = tmp_path / "gstr1.zip"
    call_command("billing", "gstr1", "--month", "2026-11", "--out", str(out))
    names = zipfile.ZipFile(out).namelist()
    assert "b2cs.csv" in names


def test_a_quarter_must_start_a_gst_quarter():
    assert period_bounds(quarter="2026-10") == (dt.date(2026, 10, 1), dt.date(2027, 1, 1))
    with pytest.raises(ValueError, match="April, July, October or January"):
        period_bounds(quarter="2026-11")


def test_the_back_office_page_shows_the_figures_and_downloads_the_zip(month, admin_client):
    page = admin_client.get(reverse("billing:gstr1"), {"month": "2026-11"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "₹1,19,385.55" in text  # net of credit notes, the dollar invoice in rupees
    assert "Waiting for an exchange rate" in text
    assert "ML/2627/000007" in text  # no rate for the 13th yet
    download = admin_client.get(reverse("billing:gstr1"), {"month": "2026-11", "download": "1"})
    assert download["Content-Type"] == "application/zip"
    assert "gstr1-112026.zip" in download["Content-Disposition"]


def test_the_quarter_october_to_december_holds_the_month_by_command_and_page(
    month, tmp_path, admin_client
):
    # A quarterly filer (QRMP) files for October-December 2026 as period 122026; the only
    # documents in it are November's, so every figure is the month's.
    out = tmp_path / "q3.zip"
    call_command("billing", "gstr1", "--quarter", "2026-10", "--out", str(out))
    archive = zipfile.ZipFile(out)
    assert json.loads(archive.read("gstr1.json"))["fp"] == "122026"
    for name, text in csv_files(month).items():
        assert archive.read(name).decode() == text, name
    page = admin_client.get(reverse("billing:gstr1"), {"quarter": "2026-10"})
    text = page.content.decode()
    assert "October 2026 – December 2026" in text
    assert "₹1,19,385.55" in text
