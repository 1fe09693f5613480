from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "masthead.core"
    label = "core"
    verbose_name = "Site"

    def ready(self) -> None:
        from masthead.core import checks  # noqa: F401 - registers the deploy checks
