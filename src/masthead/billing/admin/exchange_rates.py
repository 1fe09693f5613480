"""Exchange rates the accountant enters (CGST Rule 34(2)); added, never edited."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from masthead.billing.models import ExchangeRate
from masthead.billing.services import exchange_rates


class ExchangeRateForm(forms.ModelForm[ExchangeRate]):
    class Meta:
        model = ExchangeRate
        fields = ("currency", "valid_from", "valid_until", "inr_per_unit", "source")
        help_texts = {"inr_per_unit": "Rupees per one unit, as notified: 84.1234."}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors:
            try:
                exchange_rates.validate_exchange_rate(
                    currency=str(data["currency"]).strip().upper(),
                    valid_from=data["valid_from"],
                    valid_until=data["valid_until"],
                    inr_per_unit=data["inr_per_unit"],
                )
            except exchange_rates.ExchangeRateRefused as exc:
                raise forms.ValidationError(str(exc)) from exc
        return data


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin[ExchangeRate]):
    form = ExchangeRateForm
    list_display = ("currency", "valid_from", "valid_until", "inr_per_unit", "source", "used")
    list_filter = ("currency",)
    actions = ("delete_unused",)

    @admin.display(description="Issued invoices converted")
    def used(self, obj: ExchangeRate) -> int:
        return exchange_rates.documents_converted_by(rate=obj)

    def has_change_permission(self, request: HttpRequest, obj: ExchangeRate | None = None) -> bool:
        return False  # a rate is part of the record; delete an unused one and enter it again

    def has_delete_permission(self, request: HttpRequest, obj: ExchangeRate | None = None) -> bool:
        return False  # only through the action below, which refuses a rate in use

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if not self.has_add_permission(request):
            actions.pop("delete_unused", None)
        return actions

    def save_model(self, request: HttpRequest, obj: ExchangeRate, form: Any, change: bool) -> None:
        created = exchange_rates.record_exchange_rate(
            currency=obj.currency.strip().upper(),
            valid_from=obj.valid_from,
            valid_until=obj.valid_until,
            inr_per_unit=obj.inr_per_unit,
            source=obj.source,
            entered_by=request.user.get_username(),
        )
        obj.pk = created.pk

    @admin.action(description="Delete the selected rates no issued invoice uses")
    def delete_unused(self, request: HttpRequest, queryset: QuerySet[ExchangeRate]) -> None:
        for rate in queryset:
            try:
                exchange_rates.delete_exchange_rate(rate=rate)
            except exchange_rates.ExchangeRateRefused as exc:
                messages.error(request, str(exc))
            else:
                messages.info(request, f"Deleted {rate}.")
