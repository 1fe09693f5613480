"""What every billing admin page shares: money shown and typed in, links, read-only bases."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from babel.numbers import get_currency_symbol
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from masthead.billing.models import Customer
from masthead.core.money import Money, format_money, format_refund

_ChildT = TypeVar("_ChildT", bound=models.Model)
_ParentT = TypeVar("_ParentT", bound=models.Model)
_ModelT = TypeVar("_ModelT", bound=models.Model)

EMPTY = "—"
MAX_ADVANCE_DAYS = 1830  # five years: enough to watch a two-year plan renew twice


# --- Money --------------------------------------------------------------------------------


def money(minor: int | None, currency: str) -> str:
    """₹2,700.00: the exact amount, always with paise, for staff."""
    if minor is None or not currency:
        return EMPTY
    return format_money(Money(int(minor), currency), locale=settings.LOCALE, whole=False)


def money_back(minor: int | None, currency: str) -> str:
    """-₹300.00: money that went back to a reader (a refund, a credit note), with its sign."""
    if not minor or not currency:
        return EMPTY
    return format_refund(Money(int(minor), currency), locale=settings.LOCALE)


_AMOUNT = re.compile(r"^(\d+)(?:\.(\d+))?$")


def parse_amount(text: str, *, currency: str) -> int:
    """'450.00' (or '₹1,450.5') in major units → minor units, exactly, with ``Decimal``."""
    exponent = Money(0, currency).exponent
    cleaned = re.sub(r"[\s,\u00a0]", "", text)  # spaces and grouping: 1,00,000.00
    for prefix in (get_currency_symbol(currency, locale=settings.LOCALE), currency):
        cleaned = cleaned.removeprefix(prefix)
    found = _AMOUNT.match(cleaned)
    if found is None:
        raise forms.ValidationError(
            f"Enter an amount in {currency} like {_example(currency)}, digits and a point only."
        )
    if len(found.group(2) or "") > exponent:
        raise forms.ValidationError(
            f"{currency} has {exponent} digit(s) after the point; {text.strip()} has more."
        )
    minor = Decimal(cleaned).scaleb(exponent)  # exact: at most `exponent` decimals
    if minor <= 0:
        raise forms.ValidationError("Enter an amount above zero.")
    return int(minor)


def _example(currency: str) -> str:
    """450.00 for INR and USD, 450 for a currency without minor units."""
    return str(Decimal(450).quantize(Decimal(1).scaleb(-Money(0, currency).exponent)))


# --- Small helpers ------------------------------------------------------------------------


def _staff(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.is_staff:
        raise PermissionDenied
    return user


def _reader(customer: Customer) -> str:
    return customer.user.email or str(customer.user)


def _admin_url(obj: models.Model, view: str = "change") -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=[obj.pk])


def _link(obj: models.Model | None, text: str | None = None) -> str:
    if obj is None:
        return EMPTY
    return format_html('<a href="{}">{}</a>', _admin_url(obj), text or str(obj))


def _when(moment: dt.datetime | None) -> str:
    if moment is None:
        return EMPTY
    return f"{timezone.localtime(moment):%d %b %Y %H:%M}"


@dataclass(frozen=True)
class Tool:
    """A button on a change page (see ``admin/billing/change_form.html``)."""

    label: str
    url: str


class ReadOnlyInline(admin.TabularInline[_ChildT, _ParentT]):
    """Shown, never edited: records here change only through the services."""

    template = "admin/billing/readonly_inline.html"
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: _ParentT | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: _ParentT | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: _ParentT | None = None) -> bool:
        return False


class ViewOnlyAdmin(admin.ModelAdmin[_ModelT]):
    """Staff may look; the records are written by billing alone (no add, change or delete)."""

    change_form_template = "admin/billing/change_form.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: _ModelT | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: _ModelT | None = None) -> bool:
        return False

    def tools(self, request: HttpRequest, obj: _ModelT) -> list[Tool]:
        return []

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))
        context = {**(extra_context or {})}
        if obj is not None:
            context["billing_tools"] = self.tools(request, obj)
        return super().change_view(request, object_id, form_url, context)

    def _get(self, request: HttpRequest, object_id: str) -> _ModelT:
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(f"No {self.opts.verbose_name} with id {object_id}.")
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        return obj

    def _page(
        self,
        request: HttpRequest,
        template: str,
        obj: models.Model,
        *,
        title: str,
        form: forms.Form,
        submit: str,
        **context: Any,
    ) -> TemplateResponse:
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "object": obj,
                "object_url": _admin_url(obj),
                "title": title,
                "form": form,
                "submit_label": submit,
                **context,
            },
        )
