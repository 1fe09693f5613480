"""The billing back office: plans, subscriptions, invoices, payments, refunds, timelines."""

from __future__ import annotations

from django.contrib import admin

from masthead.billing.models import (
    BillingEvent,
    CreditNote,
    Customer,
    Invoice,
    Payment,
    Plan,
    PlanPrice,
    PreDebitNotice,
    Subscription,
    TestClock,
    WebhookEvent,
)


class PlanPriceInline(admin.TabularInline[PlanPrice, Plan]):
    model = PlanPrice
    extra = 1


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin[Plan]):
    list_display = ("name", "period_months", "trial_days", "is_active", "display_order")
    list_filter = ("is_active",)
    list_editable = ("display_order",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = (PlanPriceInline,)


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin[Customer]):
    list_display = ("user", "name", "gateway", "state_code", "test_clock")
    search_fields = ("user__email", "name", "gstin")
    raw_id_fields = ("user",)


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin[Subscription]):
    list_display = ("customer", "plan", "status", "current_period_end", "cancel_at_period_end")
    list_filter = ("status", "plan", "cancel_at_period_end")
    search_fields = ("customer__user__email",)
    raw_id_fields = ("customer",)


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin[Invoice]):
    list_display = ("__str__", "customer", "kind", "status", "total_minor", "currency", "issued_at")
    list_filter = ("status", "kind", "financial_year")
    search_fields = ("number", "customer__user__email")


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin[Payment]):
    list_display = ("idempotency_key", "status", "amount_minor", "currency", "refunded_minor")
    list_filter = ("status", "gateway")


admin.site.register(CreditNote)
admin.site.register(PreDebitNotice)
admin.site.register(WebhookEvent)
admin.site.register(BillingEvent)
admin.site.register(TestClock)
