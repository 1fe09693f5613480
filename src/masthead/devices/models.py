"""Where a reader is signed in: browsers (sessions) and the publisher's apps (API tokens)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class DeviceKind(models.TextChoices):
    BROWSER = "browser", "Browser"
    APP = "app", "App"


class SignOutReason(models.TextChoices):
    READER = "reader", "Signed out by the reader"
    REPLACED = "replaced", "Signed out to make room for a new sign-in"
    OLDEST = "oldest", "Signed out automatically: least recently used, over the limit"
    PASSWORD = "password", "Signed out by a password change or reset"
    STAFF = "staff", "Signed out by staff"
    LOGOUT = "logout", "Logged out on the device itself"


class Device(models.Model):
    """One place a reader is signed in, counted against the reader's device limit.

    A browser is tied to its session by the device id kept in the (server-side) session; an
    app by an API token of which only a SHA-256 hash is stored. Signing a device out sets
    ``signed_out_at``: the browser's next request finds it and ends its session, the token
    stops working at once.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="devices"
    )
    kind = models.CharField(max_length=10, choices=DeviceKind.choices)
    name = models.CharField(max_length=100, help_text='e.g. "Chrome on Android".')
    user_agent = models.CharField(max_length=300, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    signed_out_at = models.DateTimeField(null=True, blank=True)
    signed_out_reason = models.CharField(max_length=10, choices=SignOutReason.choices, blank=True)

    class Meta:
        ordering = ("-last_seen_at", "-pk")
        indexes = [models.Index(fields=["user", "signed_out_at"], name="device_active_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="browser", token_hash__isnull=True)
                | models.Q(kind="app", token_hash__isnull=False),
                name="device_app_has_token_browser_none",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"

    @property
    def is_active(self) -> bool:
        return self.signed_out_at is None


class OverLimitChoice(models.TextChoices):
    ASK = "ask", "Ask the reader which device to sign out"
    SIGN_OUT_OLDEST = "oldest", "Sign out the least recently used device"


class DevicePolicy(models.Model):
    """The publisher's device rules (one row, edited in the back office)."""

    subscriber_limit = models.PositiveSmallIntegerField(
        default=5,
        help_text="Devices at once for readers whose plan includes “Access on every device”.",
    )
    reader_limit = models.PositiveSmallIntegerField(
        default=2,
        help_text="Devices at once for every other signed-in reader (a phone and a computer).",
    )
    when_over_limit = models.CharField(
        max_length=10,
        choices=OverLimitChoice.choices,
        default=OverLimitChoice.ASK,
        help_text="What happens when a reader signs in on one device too many.",
    )

    class Meta:
        verbose_name = "device policy"
        verbose_name_plural = "device policy"
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="device_policy_single_row"),
            models.CheckConstraint(
                condition=models.Q(subscriber_limit__gte=1, reader_limit__gte=1),
                name="device_limits_at_least_one",
            ),
        ]

    def __str__(self) -> str:
        return "Device policy"
