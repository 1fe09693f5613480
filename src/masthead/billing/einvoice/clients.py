"""IRP clients behind one seam, as the payment gateways are (``get_irp``): the offline sandbox
IRP (the default) and a GST Suvidha Provider (GSP) adapter."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings


class IrpError(Exception):
    """The IRP refused the document or could not be reached; the message says which."""


@dataclass(frozen=True, slots=True)
class IrpResult:
    irn: str
    ack_no: str
    ack_at: dt.datetime
    signed_qr: str


class IrpClient(Protocol):
    def register(self, payload: dict[str, Any]) -> IrpResult: ...


def irn_for(*, gstin: str, financial_year: str, doc_type: str, number: str) -> str:
    """The IRN: SHA-256 of supplier GSTIN + financial year (YYYY-YY) + document type +
    document number, 64 hex characters (reference note §6 [S24])."""
    return hashlib.sha256(f"{gstin}{financial_year}{doc_type}{number}".encode()).hexdigest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _financial_year(day: str) -> str:
    _day, m, y = (int(part) for part in day.split("/"))
    start = y if m >= 4 else y - 1
    return f"{start}-{str(start + 1)[-2:]}"


class SandboxIrp:
    """An offline IRP: the IRN computed by the portal's own rule, an acknowledgement number,
    and the signed QR payload as a compact JWS (the portal signs with its RSA key; the sandbox
    signs with ``MASTHEAD_EINVOICE_SANDBOX_KEY`` so the signature can be checked in tests)."""

    def register(self, payload: dict[str, Any]) -> IrpResult:
        doc = payload["DocDtls"]
        seller = payload["SellerDtls"]["Gstin"]
        irn = irn_for(
            gstin=seller,
            financial_year=_financial_year(doc["Dt"]),
            doc_type=doc["Typ"],
            number=doc["No"],
        )
        now = dt.datetime.now(dt.UTC)
        ack_no = str(int(irn[:12], 16))[:15].rjust(15, "1")
        qr = {
            "SellerGstin": seller,
            "BuyerGstin": payload["BuyerDtls"]["Gstin"],
            "DocNo": doc["No"],
            "DocTyp": doc["Typ"],
            "DocDt": doc["Dt"],
            "TotInvVal": payload["ValDtls"]["TotInvVal"],
            "ItemCnt": len(payload["ItemList"]),
            "MainHsnCode": payload["ItemList"][0]["HsnCd"],
            "Irn": irn,
            "IrnDt": f"{now:%Y-%m-%d %H:%M:%S}",
        }
        header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        body = _b64(json.dumps({"data": json.dumps(qr), "iss": "Masthead sandbox IRP"}).encode())
        key = settings.EINVOICE_SANDBOX_KEY.encode()
        signature = _b64(hmac.new(key, f"{header}.{body}".encode(), hashlib.sha256).digest())
        return IrpResult(
            irn=irn, ack_no=ack_no, ack_at=now, signed_qr=f"{header}.{body}.{signature}"
        )


Transport = Callable[[str, dict[str, str], bytes], tuple[int, bytes]]


def _urllib_transport(url: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (configured URL)
            return int(response.status), response.read()
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read()
    except OSError as exc:
        raise IrpError(f"The GSP could not be reached: {exc}") from exc


class GspIrp:
    """A GSP's pass-through of the IRP's Generate IRN API: POST the INV-01 JSON, read
    ``{"Status": 1, "Data": {"AckNo", "AckDt", "Irn", "SignedInvoice", "SignedQRCode"}}`` or
    ``{"Status": 0, "ErrorDetails": [{"ErrorCode", "ErrorMessage"}]}`` (NIC's response shape,
    reference note §6 [S24b])."""

    def __init__(self, *, transport: Transport | None = None) -> None:
        self.transport = transport or _urllib_transport

    def register(self, payload: dict[str, Any]) -> IrpResult:
        if not settings.EINVOICE_GSP_URL:
            raise IrpError("MASTHEAD_EINVOICE_GSP_URL is not set.")
        headers = {
            "Content-Type": "application/json",
            "user_name": settings.EINVOICE_GSP_USERNAME,
            "password": settings.EINVOICE_GSP_PASSWORD,
            "gstin": payload["SellerDtls"]["Gstin"],
        }
        status, body = self.transport(
            f"{settings.EINVOICE_GSP_URL.rstrip('/')}/eicore/v1.03/Invoice",
            headers,
            json.dumps(payload).encode(),
        )
        try:
            answer = json.loads(body)
        except ValueError as exc:
            raise IrpError(f"The GSP answered {status} with something that is not JSON.") from exc
        if answer.get("Status") in (1, "1") and isinstance(answer.get("Data"), dict):
            data = answer["Data"]
            ack_at = dt.datetime.strptime(str(data["AckDt"]), "%Y-%m-%d %H:%M:%S").replace(
                tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))
            )
            return IrpResult(
                irn=str(data["Irn"]),
                ack_no=str(data["AckNo"]),
                ack_at=ack_at,
                signed_qr=str(data["SignedQRCode"]),
            )
        errors = answer.get("ErrorDetails") or []
        text = "; ".join(f"{e.get('ErrorCode')}: {e.get('ErrorMessage')}" for e in errors)
        raise IrpError(f"The IRP refused the document ({text or f'HTTP {status}'}).")


def get_irp() -> IrpClient:
    if settings.EINVOICE_IRP == "gsp":
        return GspIrp()
    return SandboxIrp()
