"""Browsers named as readers know them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from masthead.devices.tests.conftest import IPHONE_UA, LAPTOP_UA, MAC_UA, PHONE_UA
from masthead.devices.useragents import describe

EDGE = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36 Edg/130.0.2849.68"
)
SAMSUNG = (
    "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36"
)
HEADLESS = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/131.0.0.0 Safari/537.36"
)
CHROME_IPAD = (
    "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "CriOS/130.0.6723.90 Mobile/15E148 Safari/604.1"
)
CHROMEBOOK = (
    "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36"
)


@pytest.mark.parametrize(
    ("agent", "name"),
    [
        (PHONE_UA, "Chrome on Android"),
        (IPHONE_UA, "Safari on iPhone"),
        (LAPTOP_UA, "Firefox on Windows"),
        (MAC_UA, "Safari on macOS"),
        (EDGE, "Edge on Windows"),
        (SAMSUNG, "Samsung Internet on Android"),
        (HEADLESS, "Chrome on Linux"),
        (CHROME_IPAD, "Chrome on iPad"),
        (CHROMEBOOK, "Chrome on ChromeOS"),
        ("", "Browser on an unknown system"),
        ("curl/8.5.0", "Browser on an unknown system"),
    ],
)
def test_common_browsers_get_the_names_readers_know(agent: str, name: str) -> None:
    assert describe(agent) == name


@given(st.text(max_size=2000))
def test_any_user_agent_gets_a_short_name_and_never_an_error(agent: str) -> None:
    name = describe(agent)
    assert " on " in name
    assert len(name) <= 40
