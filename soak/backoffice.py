"""A desk editor in the back office over HTTP, through nginx as any browser: sign in with the
password, then a code from the authenticator app (TOTP, RFC 6238, computed here from the
secret seeded for the soak's staff member), then upload an e-paper edition on the back
office's upload page (multipart, as the browser's file field sends it). Each request is
recorded like the mix's, so the report and the 5xx verdict count them.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import hmac
import re
import struct
import time
import uuid

from soak.load import Answer, Record, _Forms, encode, http

UPLOAD = "/admin/epaper/edition/upload/"


def totp(secret_base32: str, *, at: float | None = None, step: int = 30) -> str:
    """RFC 6238 section 4 over RFC 4226 section 5.3: HMAC-SHA-1 of the count of 30-second
    periods, dynamically truncated, six digits."""
    key = base64.b32decode(secret_base32.upper() + "=" * (-len(secret_base32) % 8))
    counter = int((time.time() if at is None else at) // step)
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**6).zfill(6)


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[str, bytes]:
    """RFC 7578 form data: the content type (with its boundary) and the body."""
    boundary = f"soak{uuid.uuid4().hex}"
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            .encode()
        )  # fmt: skip
    for name, (filename, content) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", b"".join(parts)


def token_of(page: Answer | None, field: str) -> str | None:
    """The CSRF token of the page's form that has ``field`` (the page has other forms: the
    newsletter box, the search); None when there is no such form."""
    if page is None or page.status != 200:
        return None
    parser = _Forms()
    parser.feed(page.body.decode("utf-8", "replace"))
    for found in parser.forms:
        if field in found["fields"] and "csrfmiddlewaretoken" in found["fields"]:
            return str(found["fields"]["csrfmiddlewaretoken"])
    return None


def page_errors(html: bytes) -> str:
    """The form's error messages, as the page shows them to the editor: the note above the
    form (errors not tied to a field) and each field's list."""
    text = html.decode("utf-8", "replace")
    found = re.findall(r'<p class="errornote"[^>]*>(.*?)</p>', text, re.S)
    found += re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', text, re.S)
    plain = " ".join(re.sub(r"<[^>]+>", " ", f) for f in found)
    return " ".join(plain.split()) or "no message on the page"


class Staff:
    """One staff member's browser: its cookies, its requests (recorded)."""

    def __init__(self, *, port: int, email: str, password: str, secret: str, begin: float) -> None:
        self.port, self.email, self.password, self.secret = port, email, password, secret
        self.begin = begin
        self.cookies: dict[str, str] = {}
        self.records: list[Record] = []

    def request(self, kind: str, method: str, path: str, *, body: bytes = b"",
                content_type: str = "application/x-www-form-urlencoded") -> Answer | None:  # fmt: skip
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if method == "POST":
            headers |= {"Content-Type": content_type,
                        "Referer": f"http://127.0.0.1:{self.port}{path}"}  # fmt: skip
        t0 = time.monotonic()
        record = Record(kind=kind, started=t0 - self.begin, status=0, latency=0.0)
        answer = None
        try:
            answer = asyncio.run(asyncio.wait_for(
                http(self.port, method, path, headers=headers, body=body), 60
            ))  # fmt: skip
            record.status = answer.status
            self.cookies.update(answer.cookies())
        except (OSError, TimeoutError, ConnectionError, ValueError) as exc:
            record.error = type(exc).__name__
        record.latency = time.monotonic() - t0
        self.records.append(record)
        return answer

    def _post_own_form(self, kind: str, path: str, fields: dict[str, str]) -> Answer | None:
        page = self.request(f"{kind} (form)", "GET", path)
        token = token_of(page, next(iter(fields))) or ""
        return self.request(kind, "POST", path,
                            body=encode({"csrfmiddlewaretoken": token, **fields}))  # fmt: skip

    def sign_in(self) -> str:
        """Password, then the app's code; '' when the back office opens, else what went wrong."""
        after = self._post_own_form("staff sign-in", "/accounts/login/",
                                    {"login": self.email, "password": self.password})  # fmt: skip
        where = {k.lower(): v for k, v in after.headers}.get("location", "") if after else ""
        if not where.startswith("/accounts/2fa/authenticate"):
            return f"password step answered {after.status if after else 'nothing'} → {where!r}"
        # The next period's code is as good (one step of drift allowed, settings), and not
        # the one a set-up could have used.
        coded = self._post_own_form("staff second factor", "/accounts/2fa/authenticate/",
                                    {"code": totp(self.secret)})  # fmt: skip
        if coded is None or coded.status != 302:
            return f"second factor answered {coded.status if coded else 'nothing'}"
        admin = self.request("back office", "GET", "/admin/")
        return (
            ""
            if admin is not None and admin.status == 200
            else (f"the back office answered {admin.status if admin else 'nothing'} after sign-in")
        )

    def upload_edition(self, *, pdf: bytes, name: str) -> str:
        page = self.request("e-paper upload (form)", "GET", UPLOAD)
        token = token_of(page, "name")
        if token is None:
            return f"refused: the upload page answered {page.status if page else 'nothing'}"
        fields = {"csrfmiddlewaretoken": token, "date": dt.date.today().isoformat(), "name": name}
        content_type, body = multipart(fields, {"pdf": ("edition.pdf", pdf)})
        done = self.request("e-paper upload", "POST", UPLOAD, body=body,
                            content_type=content_type)  # fmt: skip
        if done is None:
            return "refused: no answer"
        if done.status == 302:
            return f"uploaded through the back office ({name})"
        return f"refused ({done.status}): {page_errors(done.body)}"
