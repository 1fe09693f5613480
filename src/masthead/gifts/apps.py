from django.apps import AppConfig


class GiftsConfig(AppConfig):
    name = "masthead.gifts"
    label = "gifts"
    verbose_name = "Gift stories"

    def ready(self) -> None:
        from masthead.access import ways_in
        from masthead.gifts.rules import GIVING_BENEFIT

        ways_in.register(benefit=GIVING_BENEFIT, label="Give a story", url_name="gifts:mine")
