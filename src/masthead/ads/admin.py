"""The ad slots in the back office. The raw ad tag is for staff with its own permission."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from masthead.ads import services
from masthead.ads.models import AdSlot


class AdSlotForm(forms.ModelForm[AdSlot]):
    class Meta:
        model = AdSlot
        fields = (
            "name",
            "placement",
            "kind",
            "position",
            "is_active",
            "text",
            "image_url",
            "image_alt",
            "link_url",
            "tag_html",
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # A read-only tag is not in the form: check what the row already holds.
        tag_html = cleaned.get("tag_html", self.instance.tag_html)
        try:
            services.check_ad(
                kind=str(cleaned.get("kind", "")),
                text=str(cleaned.get("text", "")),
                image_url=str(cleaned.get("image_url", "")),
                image_alt=str(cleaned.get("image_alt", "")),
                link_url=str(cleaned.get("link_url", "")),
                tag_html=str(tag_html or ""),
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        return cleaned


@admin.register(AdSlot)
class AdSlotAdmin(admin.ModelAdmin[AdSlot]):
    form = AdSlotForm
    list_display = ("name", "placement", "kind", "position", "is_active")
    list_editable = ("position", "is_active")
    list_filter = ("placement", "kind", "is_active")
    fieldsets = (
        (None, {"fields": ("name", "placement", "kind", "position", "is_active")}),
        ("House ad", {"fields": ("text", "image_url", "image_alt", "link_url")}),
        (
            "Publisher's ad tag — raw HTML and script, served as is",
            {"fields": ("tag_html",), "classes": ("wide",)},
        ),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: AdSlot | None = None) -> Any:
        if request.user.has_perm("ads.edit_ad_tag"):
            return ()
        return ("tag_html",)

    def save_model(self, request: HttpRequest, obj: AdSlot, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        services.ads_changed()

    def delete_model(self, request: HttpRequest, obj: AdSlot) -> None:
        super().delete_model(request, obj)
        services.ads_changed()
