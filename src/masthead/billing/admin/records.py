"""Records kept for support and audit: pre-debit notices, webhook events, the billing timeline."""

from __future__ import annotations

from django.contrib import admin

from masthead.billing.admin.common import ViewOnlyAdmin, _reader, money
from masthead.billing.models import BillingEvent, PreDebitNotice, WebhookEvent


@admin.register(PreDebitNotice)
class PreDebitNoticeAdmin(ViewOnlyAdmin[PreDebitNotice]):
    list_display = ("subscription", "reader", "amount", "period_start", "charge_on", "sent_at")
    search_fields = ("subscription__customer__user__email",)
    list_select_related = ("subscription__customer__user", "subscription__plan")
    fields = ("subscription", "reader", "amount", "period_start", "charge_on", "sent_at")
    readonly_fields = ("reader", "amount")

    @admin.display(description="Reader", ordering="subscription__customer__user__email")
    def reader(self, obj: PreDebitNotice) -> str:
        return _reader(obj.subscription.customer)

    @admin.display(description="Amount", ordering="amount_minor")
    def amount(self, obj: PreDebitNotice) -> str:
        return money(obj.amount_minor, obj.currency)


@admin.register(WebhookEvent)
class WebhookEventAdmin(ViewOnlyAdmin[WebhookEvent]):
    list_display = (
        "received_at",
        "gateway",
        "event_type",
        "event_id",
        "object_id",
        "processed",
        "error",
    )
    list_filter = ("gateway", ("processed_at", admin.EmptyFieldListFilter), "event_type")
    search_fields = ("event_id", "object_id", "event_type")
    fields = (
        "gateway",
        "event_type",
        "event_id",
        "object_id",
        "received_at",
        "processed",
        "processed_at",
        "error",
        "payload",
    )
    readonly_fields = ("received_at", "processed")

    @admin.display(description="Processed", boolean=True, ordering="processed_at")
    def processed(self, obj: WebhookEvent) -> bool:
        return obj.processed_at is not None


@admin.register(BillingEvent)
class BillingEventAdmin(ViewOnlyAdmin[BillingEvent]):
    list_display = ("occurred_at", "reader", "kind", "message")
    list_filter = ("kind",)
    search_fields = ("customer__user__email", "message")
    list_select_related = ("customer__user",)
    fields = ("occurred_at", "customer", "subscription", "kind", "message", "data")

    @admin.display(description="Reader", ordering="customer__user__email")
    def reader(self, obj: BillingEvent) -> str:
        return _reader(obj.customer)
