"""A local SMTP server that keeps what it is sent: for the tests and the benchmark.

Needs aiosmtpd (in the ``test`` extra). In a test, ``Sink()`` runs in a thread of the test
process and keeps every accepted message. ``hold_after`` makes it stop answering once that many
messages are accepted: the next message's DATA is received but never acknowledged, exactly as a
mail server behaves when the sender dies mid-conversation — the test kills the sender then, and
that message does not count as delivered (an SMTP server takes a message only when it replies
250). ``hold_from`` limits the holding (and the count it starts after) to one sender's mail, so a
test can hold a newsletter send while the same server keeps taking other mail. ``refuse``:
recipients it answers 550 at RCPT. It offers PIPELINING, as mail providers do (unless
``pipelining=False``).
``python -m masthead.newsletters.sink --port N`` runs one in its own process and prints how
many messages it accepted when stopped (the benchmark's ``--sink aiosmtpd``; by default the
benchmark uses the leaner ``bench/smtp_sink.py``).
"""

from __future__ import annotations

import argparse
import email
import email.policy
import signal
import socket
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes

    def parsed(self) -> EmailMessage:
        message = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        return message

    def header(self, name: str) -> str:
        return str(self.parsed()[name] or "")


@dataclass
class _Handler:
    keep: bool = True
    hold_after: int | None = None
    hold_from: str | None = None
    refuse: frozenset[str] = frozenset()  # recipients answered 550 at RCPT
    pipelining: bool = True  # offered in the EHLO reply
    held_count: int = 0  # accepted messages that ``hold_after`` counts (``hold_from``'s, or all)
    messages: list[Received] = field(default_factory=list)
    count: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    held: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    async def handle_EHLO(  # noqa: N802 - aiosmtpd's hook name
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        hostname: str,
        responses: list[str],
    ) -> list[str]:
        """Offer PIPELINING (RFC 2920), as mail providers do: aiosmtpd reads pipelined commands
        one after another anyway, so the tests drive the sender's pipelined path."""
        session.host_name = hostname
        if not self.pipelining:
            return responses
        return [*responses[:-1], "250-PIPELINING", responses[-1]]

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        counted = self.hold_from is None or envelope.mail_from == self.hold_from
        if counted and self.hold_after is not None and self.held_count >= self.hold_after:
            self.held.set()
            # Never acknowledge: the sender is killed while it waits for our answer.
            while not self.release.is_set():
                await _sleep(0.01)
            return "451 4.3.0 Not accepted"
        with self.lock:
            self.count += 1
            self.held_count += counted
            if self.keep:
                data = envelope.content
                self.messages.append(
                    Received(
                        mail_from=str(envelope.mail_from),
                        rcpt_tos=tuple(envelope.rcpt_tos),
                        data=data if isinstance(data, bytes) else str(data).encode(),
                    )
                )
        return "250 OK"


def free_port() -> int:
    """A port nobody listens on now (aiosmtpd's controller needs the number before it starts)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _sleep(seconds: float) -> None:
    import asyncio

    await asyncio.sleep(seconds)


class Sink:
    """An SMTP server on 127.0.0.1 in a background thread (``with Sink() as sink:``)."""

    def __init__(
        self,
        *,
        keep: bool = True,
        hold_after: int | None = None,
        hold_from: str | None = None,
        refuse: frozenset[str] = frozenset(),
        pipelining: bool = True,
    ) -> None:
        self.handler = _Handler(
            keep=keep,
            hold_after=hold_after,
            hold_from=hold_from,
            refuse=refuse,
            pipelining=pipelining,
        )
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=free_port())

    def __enter__(self) -> Sink:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.handler.release.set()
        self.controller.stop()

    @property
    def port(self) -> int:
        return int(self.controller.port)

    @property
    def messages(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.messages)

    @property
    def count(self) -> int:
        return self.handler.count

    def wait_until_held(self, timeout: float = 30) -> bool:
        return self.handler.held.wait(timeout)

    def stop_holding(self) -> None:
        """Accept again: later messages are kept as usual."""
        self.handler.hold_after = None
        self.handler.release.set()

    def wait_for(self, count: int, timeout: float = 30) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.count >= count:
                return True
            time.sleep(0.02)
        return False


def main() -> None:
    """One sink process. Several may share a port (SO_REUSEPORT): the kernel spreads the
    connections between them, as between a provider's relays."""
    import asyncio

    parser = argparse.ArgumentParser(description="Count messages sent to 127.0.0.1:PORT.")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    handler = _Handler(keep=False)
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(
        loop.create_server(lambda: SMTP(handler), "127.0.0.1", args.port, reuse_port=True)
    )
    loop.add_signal_handler(signal.SIGTERM, loop.stop)
    loop.add_signal_handler(signal.SIGINT, loop.stop)
    print(f"listening on 127.0.0.1:{args.port}", flush=True)  # noqa: T201 - a command's output
    loop.run_forever()
    server.close()
    print(f"accepted {handler.count}", flush=True)  # noqa: T201 - a command's output


if __name__ == "__main__":
    main()
