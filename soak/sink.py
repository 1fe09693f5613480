"""The soak's SMTP sink: accepts everything and appends one line per accepted message to a
file (recipient, Message-ID, List-Id/subject), flushed before the 250 reply, so the file is
what receivers got. The verdicts read it afterwards."""

from __future__ import annotations

import argparse
import asyncio
import email
import email.policy
import signal
from pathlib import Path
from typing import IO

from aiosmtpd.smtp import SMTP, Envelope, Session


class Recorder:
    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.count = 0

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        data = envelope.content
        raw = data if isinstance(data, bytes) else str(data).encode()
        message = email.message_from_bytes(raw, policy=email.policy.default)
        message_id = str(message.get("Message-ID", "")).strip()
        subject = str(message.get("Subject", "")).replace("\t", " ").replace("\n", " ")
        for rcpt in envelope.rcpt_tos:
            self.out.write(f"{rcpt.lower()}\t{message_id}\t{envelope.mail_from}\t{subject}\n")
        self.out.flush()
        self.count += 1
        return "250 OK"


def read_log(path: Path) -> list[tuple[str, str, str, str]]:
    """(recipient, Message-ID, sender, subject) per accepted copy."""
    rows = []
    if path.exists():
        for line in path.read_text().splitlines():
            parts = line.split("\t")
            if len(parts) == 4:
                rows.append((parts[0], parts[1], parts[2], parts[3]))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--log", type=Path, required=True)
    args = parser.parse_args()
    loop = asyncio.new_event_loop()
    with args.log.open("a") as out:
        handler = Recorder(out)
        server = loop.run_until_complete(
            loop.create_server(
                lambda: SMTP(handler), args.bind.split(","), args.port, reuse_address=True
            )
        )
        loop.add_signal_handler(signal.SIGTERM, loop.stop)
        loop.add_signal_handler(signal.SIGINT, loop.stop)
        loop.run_forever()
        server.close()


if __name__ == "__main__":
    main()
