"""Gift links in the back office: who gave what, how often it was opened; read-only."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from masthead.gifts.models import Gift


@admin.register(Gift)
class GiftAdmin(admin.ModelAdmin[Gift]):
    list_display = (
        "__str__",
        "giver",
        "article",
        "created_at",
        "expires_at",
        "revoked_at",
        "opens",
    )
    list_select_related = ("giver", "article")
    search_fields = ("giver__email", "article__headline")
    date_hierarchy = "created_at"
    readonly_fields = (
        "giver",
        "article",
        "created_at",
        "expires_at",
        "revoked_at",
        "month",
        "number",
        "opens",
        "last_opened_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Gift | None = None) -> bool:
        return False
