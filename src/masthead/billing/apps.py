from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "masthead.billing"
    label = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        from masthead.billing import checks  # noqa: F401 - registers the deploy checks
