"""Shared by the benchmark subprocesses; bench/run.py takes only its plain-Python helpers
(``cpu_busy``, ``MARKER``), never Django.

Each subprocess gets its whole configuration from the environment that bench/run.py sets
(DATABASE_URL, REDIS_URL, MASTHEAD_METER_STORE, MASTHEAD_VAR_DIR, MASTHEAD_ENV=test), because
Masthead reads its settings once, at import time.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

# The last paragraph of the page benchmark's story: past the free lead, so it is only on the
# page when the gate let the reader read the whole story.
MARKER = "BENCH-FULL-STORY-MARKER"

STORY_PARAGRAPHS = [
    "The Reserve Bank held its benchmark rate at 6.5 per cent on Wednesday, as expected, but "
    "surprised economists by signalling that it was prepared to cut before the end of the "
    "financial year if food prices continued to cool through the winter months.",
    "Governor Meera Raghunathan told reporters in Mumbai that the monetary policy committee had "
    "voted five to one to keep rates on hold, with the sole dissenter arguing for an immediate "
    "cut of a quarter of a percentage point to support slowing private investment.",
    "Bond markets rallied on the announcement. The yield on the ten-year government security "
    "fell eight basis points to 6.91 per cent, its lowest since March, while the rupee "
    "strengthened slightly against the dollar in late trade.",
    "<strong>Inflation cooling</strong>: consumer price inflation eased to 4.3 per cent in "
    "October from 5.1 per cent a month earlier, helped by a sharp fall in vegetable prices after "
    "a stronger-than-usual monsoon. Core inflation, which strips out food and fuel, was steady.",
    "Economists at three of the country's largest banks said the change in tone opened the door "
    "to a cut in February. &ldquo;The committee has moved from watching to preparing,&rdquo; said "
    "one, who asked not to be named because her bank advises the government on debt sales.",
    "Business groups welcomed the shift but said it came late. The Federation of Indian "
    "Manufacturers said small exporters, squeezed by weak demand in Europe and higher shipping "
    "costs, needed cheaper credit now rather than in the new year.",
    "The central bank also cut its forecast for growth this year to 6.6 per cent from 7 per cent, "
    "citing weaker urban consumption and a slowdown in government capital spending ahead of "
    "state elections. It kept its inflation forecast unchanged at 4.5 per cent.",
    f"{MARKER} Markets will now look to the budget in February for signs of how far the "
    "government is willing to go to support growth, and to the next policy meeting, where most "
    "economists expect the first cut in more than four years.",
]


def say(message: str) -> None:
    print(f"      {message}", flush=True)


def setup_django() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    django.setup()


def migrate() -> float:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    return time.perf_counter() - started


def describe_config() -> dict[str, Any]:
    from django.conf import settings
    from django.db import connection

    return {
        "vendor": connection.vendor,
        "database": str(settings.DATABASES["default"]["NAME"]),
        "meter_store": settings.METER_STORE,
        "redis_prefix": settings.REDIS_PREFIX if settings.REDIS_URL else "",
        "debug": settings.DEBUG,
    }


def write_result(path: str, data: dict[str, Any]) -> None:
    Path(path).write_text(json.dumps(data, indent=2, default=str))


def fail(message: str) -> None:
    print(f"      FAILED: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def cpu_busy(seconds: float = 1.0) -> float | None:
    """Share of all cores busy over ``seconds`` (Linux /proc/stat), while we run nothing."""

    def sample() -> tuple[int, int]:
        values = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return sum(values[:8]), values[3] + values[4]

    try:
        total0, idle0 = sample()
        time.sleep(seconds)
        total1, idle1 = sample()
    except (OSError, ValueError, IndexError):
        return None
    return 1 - (idle1 - idle0) / max(1, total1 - total0)
