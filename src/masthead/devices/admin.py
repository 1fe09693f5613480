"""Back office: the publisher's device policy; each reader's devices (support signs one out)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from masthead.devices import services
from masthead.devices.models import Device, DevicePolicy, SignOutReason


@admin.register(DevicePolicy)
class DevicePolicyAdmin(admin.ModelAdmin[DevicePolicy]):
    list_display = ("__str__", "subscriber_limit", "reader_limit", "when_over_limit")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not DevicePolicy.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin[Device]):
    list_display = ("name", "user", "kind", "first_seen_at", "last_seen_at", "signed_out_at")
    list_filter = ("kind", "signed_out_reason")
    search_fields = ("user__email", "name")
    readonly_fields = [f.name for f in Device._meta.fields]
    actions = ("sign_out",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Sign out the selected devices")
    def sign_out(self, request: HttpRequest, queryset: QuerySet[Device]) -> None:
        count = services.sign_out_devices(
            device_ids=list(queryset.values_list("pk", flat=True)), reason=SignOutReason.STAFF
        )
        self.message_user(request, f"Signed out {count} device(s).", messages.SUCCESS)
