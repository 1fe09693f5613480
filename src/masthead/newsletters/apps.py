from __future__ import annotations

from django.apps import AppConfig


class NewslettersConfig(AppConfig):
    name = "masthead.newsletters"
    label = "newsletters"
    verbose_name = "Newsletters"

    def ready(self) -> None:
        from masthead.access import ways_in
        from masthead.access.models import Benefit

        ways_in.register(
            benefit=Benefit.NEWSLETTERS,
            label="Choose your newsletters",
            url_name="newsletters:preferences",
        )
