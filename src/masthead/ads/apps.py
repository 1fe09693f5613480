from django.apps import AppConfig


class AdsConfig(AppConfig):
    name = "masthead.ads"
    label = "ads"
    verbose_name = "Advertising"

    def ready(self) -> None:
        from masthead.access import ways_in
        from masthead.access.models import Benefit

        ways_in.register(
            benefit=Benefit.AD_FREE,
            label="Read the front page without ads",
            url_name="newsroom:home",
        )
