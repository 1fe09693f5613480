from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Composition and operations: the worker, health, metrics, backups (imports every app)."""

    name = "masthead.ops"
    label = "ops"
    verbose_name = "Operations"
