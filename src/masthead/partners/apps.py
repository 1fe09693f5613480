from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "masthead.partners"
    label = "partners"
    verbose_name = "Partner bundle"

    def ready(self) -> None:
        from masthead.access import ways_in
        from masthead.access.models import Benefit

        ways_in.register(
            benefit=Benefit.PARTNER_BUNDLE,
            label="Your partner subscription code",
            url_name="partners:mine",
        )
