"""Masthead's own settings plus one bench-only route (see bench/urls.py).

Only the gunicorn run and its seeding subprocess use this module; the product never does.
"""

from masthead.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
