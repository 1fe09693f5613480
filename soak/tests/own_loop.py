"""Run code that starts its own asyncio loop (``asyncio.run``), as the soak does, from a test.

In the whole suite the browser tests' Playwright (sync API) keeps an event loop running in
the main thread until the session ends, and ``asyncio.run`` refuses to start beside it. The
soak itself runs in a process of its own, where no loop is running; a test gives the code a
thread of its own instead."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


def in_own_thread(work: Callable[[], T]) -> T:
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()
