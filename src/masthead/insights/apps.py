from django.apps import AppConfig
from django.core.signals import request_finished


class InsightsConfig(AppConfig):
    name = "masthead.insights"
    verbose_name = "Revenue"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from masthead.insights import events

        # At the end of every request, not only when the next event arrives, a buffer past its
        # age limit is written: a process whose story views stopped still keeps its events.
        request_finished.connect(events.flush_if_stale, dispatch_uid="insights-flush-if-stale")
