"""GSTR-1 as files: the offline tool's CSVs (one per table, headers exactly as it reads them,
reference note §5 [S19, S20]) and the returns JSON, bundled in one zip."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from decimal import Decimal
from typing import Any

from django.conf import settings

from masthead.billing.gst_states import pos_label
from masthead.billing.gstr1.sections import Amounts, Gstr1, Row

SAC_DESCRIPTION = "On-line text based information such as online books, newspapers"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

HEADERS = {
    "b2b": "GSTIN/UIN of Recipient,Receiver Name,Invoice Number,Invoice date,Invoice Value,"
    "Place Of Supply,Reverse Charge,Applicable % of Tax Rate,Invoice Type,E-Commerce GSTIN,"
    "Rate,Taxable Value,Cess Amount",
    "b2cl": "Invoice Number,Invoice date,Invoice Value,Place Of Supply,Applicable % of Tax Rate,"
    "Rate,Taxable Value,Cess Amount,E-Commerce GSTIN",
    "b2cs": "Type,Place Of Supply,Applicable % of Tax Rate,Rate,Taxable Value,Cess Amount,"
    "E-Commerce GSTIN",
    "cdnr": "GSTIN/UIN of Recipient,Receiver Name,Note Number,Note Date,Note Type,"
    "Place Of Supply,Reverse Charge,Note Supply Type,Note Value,Applicable % of Tax Rate,Rate,"
    "Taxable Value,Cess Amount",
    "cdnur": "UR Type,Note Number,Note Date,Note Type,Place Of Supply,Note Value,"
    "Applicable % of Tax Rate,Rate,Taxable Value,Cess Amount",
    "exp": "Export Type,Invoice Number,Invoice date,Invoice Value,Port Code,"
    "Shipping Bill Number,Shipping Bill Date,Rate,Taxable Value,Cess Amount",
    "hsn": "HSN,Description,UQC,Total Quantity,Total Value,Rate,Taxable Value,"
    "Integrated Tax Amount,Central Tax Amount,State/UT Tax Amount,Cess Amount",
    "docs": "Nature of Document,Sr. No. From,Sr. No. To,Total Number,Cancelled",
}


def rupees(minor: int) -> str:
    """Paise as rupees with two decimals: 76271 → '762.71', -500 → '-5.00'."""
    return f"{Decimal(minor).scaleb(-2):.2f}"


def rate(rate_bp: int) -> str:
    """1800 → '18', 625 → '6.25' (exact)."""
    return f"{(Decimal(rate_bp) / 100).normalize():f}"


def csv_date(day: dt.date) -> str:
    """The offline tool's date: 25-Nov-2026."""
    return f"{day.day:02d}-{MONTHS[day.month - 1]}-{day.year}"


def json_date(day: dt.date) -> str:
    return f"{day:%d-%m-%Y}"


def _csv(name: str, rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADERS[name].split(","))
    writer.writerows(rows)
    return buffer.getvalue()


def _hsn_rows(table: dict[int, Amounts]) -> list[list[str]]:
    return [
        [
            settings.SAC_CODE, SAC_DESCRIPTION, "NA", "0", rupees(a.value), rate(r),
            rupees(a.taxable), rupees(a.igst), rupees(a.cgst), rupees(a.sgst), "0.00",
        ]
        for r, a in sorted(table.items())
    ]  # fmt: skip


def csv_files(gstr1: Gstr1) -> dict[str, str]:
    """File name → CSV text, named as the offline tool expects (hsn(b2b).csv …)."""
    return {
        "b2b.csv": _csv("b2b", [
            [r.gstin, r.name, r.number, csv_date(r.date), rupees(r.amounts.value),
             pos_label(r.place_of_supply), "N", "", "Regular B2B", "", rate(r.rate_bp),
             rupees(r.amounts.taxable), "0.00"]
            for r in gstr1.b2b
        ]),
        "b2cl.csv": _csv("b2cl", [
            [r.number, csv_date(r.date), rupees(r.amounts.value), pos_label(r.place_of_supply),
             "", rate(r.rate_bp), rupees(r.amounts.taxable), "0.00", ""]
            for r in gstr1.b2cl
        ]),
        "b2cs.csv": _csv("b2cs", [
            ["OE", pos_label(pos), "", rate(r), rupees(a.taxable), "0.00", ""]
            for (pos, r), a in sorted(gstr1.b2cs.items())
        ]),
        "cdnr.csv": _csv("cdnr", [
            [r.gstin, r.name, r.number, csv_date(r.date), "C", pos_label(r.place_of_supply), "N",
             "Regular B2B", rupees(r.amounts.value), "", rate(r.rate_bp),
             rupees(r.amounts.taxable), "0.00"]
            for r in gstr1.cdnr
        ]),
        "cdnur.csv": _csv("cdnur", [
            [r.kind, r.number, csv_date(r.date), "C", pos_label(r.place_of_supply),
             rupees(r.amounts.value), "", rate(r.rate_bp), rupees(r.amounts.taxable), "0.00"]
            for r in gstr1.cdnur
        ]),
        "exp.csv": _csv("exp", [
            [r.kind, r.number, csv_date(r.date), rupees(r.amounts.value), "", "", "",
             rate(r.rate_bp), rupees(r.amounts.taxable), "0.00"]
            for r in gstr1.exp
        ]),
        "hsn(b2b).csv": _csv("hsn", _hsn_rows(gstr1.hsn_b2b)),
        "hsn(b2c).csv": _csv("hsn", _hsn_rows(gstr1.hsn_b2c)),
        "docs.csv": _csv("docs", [
            [label, first, last, str(total), str(cancelled)]
            for label, first, last, total, cancelled in gstr1.docs
        ]),
    }  # fmt: skip


def json_number(minor: int) -> float:
    """Paise as the JSON number the returns and e-invoice schemas carry (762.71). Output only:
    an exact two-decimal amount handed to the JSON encoder, never used in arithmetic."""
    return float(Decimal(int(minor)).scaleb(-2))


def json_rate(rate_bp: int) -> float | int:
    """1800 → 18 (an int when whole, as the schemas show rates), 625 → 6.25."""
    percent = Decimal(int(rate_bp)) / 100
    return int(percent) if percent == percent.to_integral_value() else float(percent)


_num = json_number


def _items(row: Row) -> list[dict[str, Any]]:
    a = row.amounts
    return [
        {
            "num": 1,
            "itm_det": {
                "txval": _num(a.taxable),
                "rt": json_rate(row.rate_bp),
                "iamt": _num(a.igst),
                "camt": _num(a.cgst),
                "samt": _num(a.sgst),
                "csamt": 0,
            },
        }
    ]


def returns_json(gstr1: Gstr1) -> dict[str, Any]:
    """GSTR-1 in the returns JSON layout (gstin, fp MMYYYY, b2b, b2cl, b2cs, cdnr, cdnur, exp,
    hsn, doc_issue)."""
    last = gstr1.end - dt.timedelta(days=1)
    seller = str(settings.PUBLISHER_STATE_CODE)
    b2b: dict[str, list[dict[str, Any]]] = {}
    for r in gstr1.b2b:
        b2b.setdefault(r.gstin, []).append(
            {"inum": r.number, "idt": json_date(r.date), "val": _num(r.amounts.value),
             "pos": r.place_of_supply, "rchrg": "N", "inv_typ": "R", "itms": _items(r)}
        )  # fmt: skip
    b2cl: dict[str, list[dict[str, Any]]] = {}
    for r in gstr1.b2cl:
        b2cl.setdefault(r.place_of_supply, []).append(
            {"inum": r.number, "idt": json_date(r.date), "val": _num(r.amounts.value),
             "itms": _items(r)}
        )  # fmt: skip
    cdnr: dict[str, list[dict[str, Any]]] = {}
    for r in gstr1.cdnr:
        cdnr.setdefault(r.gstin, []).append(
            {"ntty": "C", "nt_num": r.number, "nt_dt": json_date(r.date),
             "val": _num(r.amounts.value), "pos": r.place_of_supply, "rchrg": "N",
             "inv_typ": "R", "itms": _items(r)}
        )  # fmt: skip
    exp: dict[str, list[dict[str, Any]]] = {}
    for r in gstr1.exp:
        exp.setdefault(r.kind, []).append(
            {"inum": r.number, "idt": json_date(r.date), "val": _num(r.amounts.value),
             "itms": [{"txval": _num(r.amounts.taxable), "rt": json_rate(r.rate_bp),
                       "iamt": _num(r.amounts.igst), "csamt": 0}]}
        )  # fmt: skip

    def hsn(table: dict[int, Amounts]) -> list[dict[str, Any]]:
        return [
            {"num": n, "hsn_sc": settings.SAC_CODE, "desc": SAC_DESCRIPTION, "uqc": "NA",
             "qty": 0, "rt": json_rate(r), "txval": _num(a.taxable),
             "iamt": _num(a.igst), "camt": _num(a.cgst), "samt": _num(a.sgst), "csamt": 0}
            for n, (r, a) in enumerate(sorted(table.items()), start=1)
        ]  # fmt: skip

    return {
        "gstin": settings.PUBLISHER_GSTIN,
        "fp": f"{last:%m%Y}",
        "b2b": [{"ctin": k, "inv": v} for k, v in b2b.items()],
        "b2cl": [{"pos": k, "inv": v} for k, v in b2cl.items()],
        "b2cs": [
            {
                "sply_ty": "INTRA" if pos == seller else "INTER",
                "pos": pos,
                "typ": "OE",
                "rt": json_rate(r),
                "txval": _num(a.taxable),
                "iamt": _num(a.igst),
                "camt": _num(a.cgst),
                "samt": _num(a.sgst),
                "csamt": 0,
            }
            for (pos, r), a in sorted(gstr1.b2cs.items())
        ],
        "cdnr": [{"ctin": k, "nt": v} for k, v in cdnr.items()],
        "cdnur": [
            {
                "typ": r.kind,
                "ntty": "C",
                "nt_num": r.number,
                "nt_dt": json_date(r.date),
                "val": _num(r.amounts.value),
                "pos": r.place_of_supply,
                "itms": _items(r),
            }
            for r in gstr1.cdnur
        ],
        "exp": [{"exp_typ": k, "inv": v} for k, v in exp.items()],
        "hsn": {"hsn_b2b": hsn(gstr1.hsn_b2b), "hsn_b2c": hsn(gstr1.hsn_b2c)},
        "doc_issue": {
            "doc_det": [
                {
                    "doc_num": 1 if label.startswith("Invoices") else 5,
                    "doc_typ": label,
                    "docs": [
                        {
                            "num": 1,
                            "from": first,
                            "to": last_no,
                            "totnum": total,
                            "cancel": cancelled,
                            "net_issue": total - cancelled,
                        }
                    ],
                }
                for label, first, last_no, total, cancelled in gstr1.docs
            ]
        },
    }


def zip_bytes(gstr1: Gstr1) -> bytes:
    """Every CSV and the JSON in one zip: what the accountant downloads."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in csv_files(gstr1).items():
            archive.writestr(name, text)
        archive.writestr("gstr1.json", json.dumps(returns_json(gstr1), indent=2))
    return buffer.getvalue()
