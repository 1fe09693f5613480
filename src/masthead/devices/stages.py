"""The sign-in step that keeps a reader within the device limit (an allauth login stage).

allauth runs its stages after the password is checked and before the session is made: this one
stops a sign-in that would be one device too many and, when the publisher asks, sends the
reader to choose which device to sign out. The sign-in completes only after a pick; cancelling
abandons it. When the publisher signs out the oldest instead, registering the browser does it.
"""

from __future__ import annotations

from typing import Any

from allauth.account.stages import LoginStage
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse

from masthead.devices import selectors
from masthead.devices.models import OverLimitChoice
from masthead.devices.services import current_browser_id


class DeviceLimitStage(LoginStage):  # type: ignore[misc]
    key = "masthead_device_limit"
    urlname = "devices:choose"

    def handle(self) -> tuple[HttpResponse | None, bool]:
        user: Any = self.login.user
        if selectors.policy().when_over_limit != OverLimitChoice.ASK:
            return None, True
        keep = current_browser_id(self.request.session)
        if not selectors.is_over_limit(user_id=user.pk, keep_device_id=keep):
            return None, True
        return HttpResponseRedirect(reverse(self.urlname)), True
