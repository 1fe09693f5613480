"""A small TCP proxy on web1's link, for kernels without netem (``tc qdisc ... netem``).

nginx reaches web1 through it all run long. While the control file holds ``DELAY_MS LOSS``
(written by the fault schedule), every chunk crossing the link in either direction waits
DELAY_MS, and with probability LOSS it waits a further 200 ms more: TCP's minimum
retransmission timeout, which is what a lost segment costs a connection that survives it
(loss on a TCP link shows as delay, not as an error). An empty or missing file: no delay.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import signal
import time
from pathlib import Path

RTO_MIN = 0.2  # Linux's TCP_RTO_MIN


class Link:
    def __init__(self, control: Path) -> None:
        self.control = control
        self.read_at = 0.0
        self.delay = 0.0
        self.loss = 0.0

    def now(self) -> tuple[float, float]:
        if time.monotonic() - self.read_at > 0.2:
            self.read_at = time.monotonic()
            try:
                delay, loss = self.control.read_text().split()
                self.delay, self.loss = float(delay) / 1000, float(loss)
            except (OSError, ValueError):
                self.delay, self.loss = 0.0, 0.0
        return self.delay, self.loss


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, link: Link) -> None:
    try:
        while chunk := await reader.read(65536):
            delay, loss = link.now()
            if loss and random.random() < loss:  # noqa: S311 - a simulation, not a secret
                delay += RTO_MIN
            if delay:
                await asyncio.sleep(delay)
            writer.write(chunk)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        writer.close()


async def serve(listen: str, to: str, control: Path) -> None:
    link = Link(control)
    to_host, to_port = to.rsplit(":", 1)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(to_host, int(to_port))
        except OSError:
            writer.close()
            return
        await asyncio.gather(pipe(reader, up_writer, link), pipe(up_reader, writer, link))

    host, port = listen.rsplit(":", 1)
    server = await asyncio.start_server(handle, host, int(port))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    async with server:
        await stop.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--listen", required=True)
    parser.add_argument("--to", required=True)
    parser.add_argument("--control", required=True, type=Path)
    args = parser.parse_args()
    asyncio.run(serve(args.listen, args.to, args.control))


if __name__ == "__main__":
    main()
