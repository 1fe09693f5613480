from django.apps import AppConfig


class DevicesConfig(AppConfig):
    name = "masthead.devices"
    label = "devices"
    verbose_name = "Readers' devices"

    def ready(self) -> None:
        from masthead.access import ways_in
        from masthead.access.models import Benefit

        ways_in.register(benefit=Benefit.DEVICES, label="Your devices", url_name="devices:list")
