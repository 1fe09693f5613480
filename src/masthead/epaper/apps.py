from django.apps import AppConfig


class EpaperConfig(AppConfig):
    name = "masthead.epaper"
    label = "epaper"
    verbose_name = "E-paper"

    def ready(self) -> None:
        from masthead.access import ways_in
        from masthead.access.models import Benefit

        ways_in.register(
            benefit=Benefit.EPAPER, label="Read today's e-paper", url_name="epaper:home"
        )
