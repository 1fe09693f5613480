"""The newsletter benchmark's mail provider: a lean SMTP server that counts what it accepts.

A stand-in for the provider's relays, not product code. It speaks as much SMTP as a sender
needs (EHLO with PIPELINING, MAIL, RCPT, DATA, RSET, NOOP, QUIT), answers each burst of
pipelined commands with one write, and keeps of each accepted message only its envelope
recipients and its Message-ID, so the benchmark can check that every recipient got exactly one
copy and every copy had its own Message-ID. aiosmtpd (``masthead.newsletters.sink``, what the
tests use) spends about 1 ms of CPU a message, as much as the sender; on a 2-core machine that
shares its cores with the sender, the sink's CPU caps the figure, not the sender's.

``python -m bench.smtp_sink --port N`` (several processes may share the port: SO_REUSEPORT);
on SIGTERM it prints one JSON line: accepted, recipients, distinct_recipients, message_ids,
distinct_message_ids and without_unsubscribe (copies lacking List-Unsubscribe or
List-Unsubscribe-Post).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal

END_OF_DATA = b"\r\n.\r\n"
EHLO_REPLY = b"250-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE 52428800\r\n"


class Tally:
    def __init__(self) -> None:
        self.accepted = 0
        self.recipients: list[str] = []
        self.message_ids: list[bytes] = []
        self.without_unsubscribe = 0


class LeanSMTP(asyncio.Protocol):
    def __init__(self, tally: Tally) -> None:
        self.tally = tally
        self.buffer = bytearray()
        self.in_data = False
        self.searched = 0  # in data mode: where to resume looking for the end of data
        self.mail_from: bytes | None = None
        self.rcpts: list[bytes] = []
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.write(b"220 sink ESMTP\r\n")

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        out: list[bytes] = []
        while True:
            if self.in_data:
                if not self._take_message(out):
                    break
                continue
            end = self.buffer.find(b"\r\n")
            if end < 0:
                break
            line = bytes(self.buffer[:end])
            del self.buffer[: end + 2]
            if self._command(line, out):
                break  # QUIT
        if out and self.transport is not None:
            self.transport.write(b"".join(out))

    def _take_message(self, out: list[bytes]) -> bool:
        buffer = self.buffer
        if buffer.startswith(b".\r\n"):  # an empty message
            message, taken = b"", 3
        else:
            end = buffer.find(END_OF_DATA, max(0, self.searched - 4))
            if end < 0:
                self.searched = len(buffer)
                return False
            message, taken = bytes(buffer[: end + 2]), end + len(END_OF_DATA)
        del buffer[:taken]
        self.searched = 0
        self.in_data = False
        self._accept(message)
        out.append(b"250 2.0.0 OK\r\n")
        return True

    def _accept(self, message: bytes) -> None:
        tally = self.tally
        tally.accepted += 1
        tally.recipients.extend(r.decode("ascii", "replace") for r in self.rcpts)
        headers_end = message.find(b"\r\n\r\n")
        headers = b"\r\n" + message[: headers_end if headers_end >= 0 else len(message)]
        at = headers.find(b"\r\nMessage-ID: ")
        if at >= 0:
            start = at + len(b"\r\nMessage-ID: ")
            tally.message_ids.append(headers[start : headers.find(b"\r\n", start)].strip())
        if b"\r\nList-Unsubscribe: <" not in headers or (
            b"\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click" not in headers
        ):
            tally.without_unsubscribe += 1
        self.mail_from, self.rcpts = None, []

    def _command(self, line: bytes, out: list[bytes]) -> bool:
        verb = line[:4].upper()
        if verb == b"MAIL":
            self.mail_from, self.rcpts = _address(line), []
            out.append(b"250 2.1.0 OK\r\n")
        elif verb == b"RCPT":
            if self.mail_from is None:
                out.append(b"503 5.5.1 MAIL first\r\n")
            else:
                self.rcpts.append(_address(line))
                out.append(b"250 2.1.5 OK\r\n")
        elif verb == b"DATA":
            if not self.rcpts:
                out.append(b"554 5.5.1 No valid recipients\r\n")
            else:
                self.in_data = True
                out.append(b"354 End data with <CR><LF>.<CR><LF>\r\n")
        elif verb == b"EHLO":
            out.append(EHLO_REPLY)
        elif verb == b"HELO":
            out.append(b"250 sink\r\n")
        elif verb == b"RSET":
            self.mail_from, self.rcpts = None, []
            out.append(b"250 2.0.0 OK\r\n")
        elif verb == b"NOOP":
            out.append(b"250 2.0.0 OK\r\n")
        elif verb == b"QUIT":
            out.append(b"221 2.0.0 Bye\r\n")
            if self.transport is not None:
                self.transport.write(b"".join(out))
                out.clear()
                self.transport.close()
            return True
        else:
            out.append(b"502 5.5.2 Not implemented\r\n")
        return False


def _address(line: bytes) -> bytes:
    start, end = line.find(b"<"), line.find(b">")
    return line[start + 1 : end] if 0 <= start < end else b""


def main() -> None:
    parser = argparse.ArgumentParser(description="Count messages sent to 127.0.0.1:PORT.")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    tally = Tally()
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(
        loop.create_server(lambda: LeanSMTP(tally), "127.0.0.1", args.port, reuse_port=True)
    )
    loop.add_signal_handler(signal.SIGTERM, loop.stop)
    loop.add_signal_handler(signal.SIGINT, loop.stop)
    print(f"listening on 127.0.0.1:{args.port}", flush=True)
    loop.run_forever()
    server.close()
    summary = {
        "accepted": tally.accepted,
        "recipients": len(tally.recipients),
        "distinct_recipients": len(set(tally.recipients)),
        "message_ids": len(tally.message_ids),
        "distinct_message_ids": len(set(tally.message_ids)),
        "without_unsubscribe": tally.without_unsubscribe,
    }
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
