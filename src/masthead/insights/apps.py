from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "masthead.insights"
    verbose_name = "Revenue insights"
    default_auto_field = "django.db.models.BigAutoField"
