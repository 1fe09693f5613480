"""The demo's device policy: five devices with a subscription, two without, and ask."""

from __future__ import annotations

from masthead.devices.models import DevicePolicy


def load() -> None:
    DevicePolicy.objects.get_or_create(pk=1)
