"""A reader-facing name for a browser: "Chrome on Android", "Safari on iPhone".

A small parser of our own rather than the ``ua-parser`` package: the devices page needs only a
browser family and an operating system, in words a reader recognises, and a few ordered
patterns give that without a dependency and its regex file. Unknown agents get "Browser" and
"unknown system"; nothing here can raise.
"""

from __future__ import annotations

import re

# Order matters: Edge and Opera and Samsung Internet also say "Chrome"; Chrome also says Safari.
_BROWSERS: list[tuple[str, re.Pattern[str]]] = [
    ("Edge", re.compile(r"\bEdg(e|A|iOS)?/")),
    ("Opera", re.compile(r"\b(OPR|Opera)/")),
    ("Samsung Internet", re.compile(r"\bSamsungBrowser/")),
    ("Firefox", re.compile(r"\b(Firefox|FxiOS)/")),
    ("Chrome", re.compile(r"\b(HeadlessChrome|Chrome|CriOS|Chromium)/")),
    ("Safari", re.compile(r"\bVersion/[\d.]+.*\bSafari/|\b(iPhone|iPad).*AppleWebKit/")),
]
_SYSTEMS: list[tuple[str, re.Pattern[str]]] = [
    ("iPhone", re.compile(r"\biPhone\b")),
    ("iPad", re.compile(r"\biPad\b")),
    ("Android", re.compile(r"\bAndroid\b")),
    ("ChromeOS", re.compile(r"\bCrOS\b")),
    ("Windows", re.compile(r"\bWindows\b")),
    ("macOS", re.compile(r"\bMac OS X\b|\bMacintosh\b")),
    ("Linux", re.compile(r"\bLinux\b|\bX11\b")),
]
MAX_AGENT = 300


def describe(user_agent: str) -> str:
    agent = (user_agent or "")[:MAX_AGENT]
    browser = next((name for name, pattern in _BROWSERS if pattern.search(agent)), "Browser")
    system = next((name for name, pattern in _SYSTEMS if pattern.search(agent)), "")
    return f"{browser} on {system}" if system else f"{browser} on an unknown system"
