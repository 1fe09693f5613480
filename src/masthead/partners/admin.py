"""Partner bundle back office: pools (with code upload and a low-pool warning) and codes, masked.

Codes are never shown in full here: support sees the last characters, enough to tell codes
apart, and the reader sees theirs on their own page. Codes are added only by uploading a file
(``services.upload_codes``), never typed into a form, and never edited or deleted.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from masthead.partners import selectors, services
from masthead.partners.codefile import CodeFileError
from masthead.partners.models import PartnerCode, PartnerPool

MAX_UPLOAD_BYTES = 2_000_000


class CodeUploadForm(forms.Form):
    file = forms.FileField(
        label="Codes file (CSV)",
        help_text="One code per line, UTF-8; a first line “code” is skipped. All codes are added, "
        "or none if any line is wrong.",
    )


def _warn_low(request: HttpRequest) -> None:
    for low in selectors.low_pools():
        messages.warning(
            request,
            f"{low.name}: only {low.available} unclaimed code(s) left (warning at "
            f"{low.threshold}). Upload more codes from the partner.",
        )


@admin.register(PartnerPool)
class PartnerPoolAdmin(admin.ModelAdmin[PartnerPool]):
    list_display = (
        "name",
        "partner_name",
        "is_active",
        "available_codes",
        "claimed_codes",
        "min_paid_days",
    )
    list_filter = ("is_active",)
    search_fields = ("name", "partner_name")
    readonly_fields = ("created_at", "code_counts")
    change_form_template = "admin/partners/partnerpool/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[PartnerPool]:
        return selectors.with_counts(super().get_queryset(request))

    def has_delete_permission(self, request: HttpRequest, obj: PartnerPool | None = None) -> bool:
        return False  # given codes must stay with their readers: deactivate instead

    @admin.display(description="Unclaimed", ordering="available")
    def available_codes(self, obj: PartnerPool) -> str:
        available = int(getattr(obj, "available", 0))
        if obj.is_active and available <= obj.low_threshold:
            return format_html(
                '<strong class="partner-pool-low">⚠ {} — low</strong>',
                available,
            )
        return str(available)

    @admin.display(description="Claimed")
    def claimed_codes(self, obj: PartnerPool) -> int:
        return int(getattr(obj, "total", 0)) - int(getattr(obj, "available", 0))

    @admin.display(description="Codes")
    def code_counts(self, obj: PartnerPool) -> str:
        return f"{self.available_codes(obj)} unclaimed of {getattr(obj, 'total', 0)}"

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.method == "GET":
            _warn_low(request)
        return super().changelist_view(request, extra_context)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method == "GET":
            _warn_low(request)
        context = {
            **(extra_context or {}),
            "upload_url": reverse("admin:partners_partnerpool_upload", args=[object_id]),
        }
        return super().change_view(request, object_id, form_url, context)

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<path:object_id>/upload/",
                self.admin_site.admin_view(self.upload_view),
                name="partners_partnerpool_upload",
            ),
            *super().get_urls(),
        ]

    def upload_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        pool = self.get_object(request, unquote(object_id))
        if pool is None:
            raise Http404(f"No partner pool with id {object_id}.")
        if not self.has_change_permission(request, pool):
            raise PermissionDenied
        problems: list[str] = []
        form = CodeUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_UPLOAD_BYTES:
                problems = ["The file is over 2 MB. Split it into smaller files."]
            else:
                try:
                    added = services.upload_codes(
                        pool=pool,
                        raw=upload.read(),
                        uploaded_by=request.user,  # type: ignore[arg-type]
                    )
                except CodeFileError as error:
                    problems = error.shown()
                else:
                    messages.success(request, f"{added} code(s) added to {pool.name}.")
                    return HttpResponseRedirect(
                        reverse("admin:partners_partnerpool_change", args=[pool.pk])
                    )
        return TemplateResponse(
            request,
            "admin/partners/partnerpool/upload.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "object": pool,
                "title": f"Upload codes to {pool.name}",
                "form": form,
                "problems": problems,
            },
        )


@admin.register(PartnerCode)
class PartnerCodeAdmin(admin.ModelAdmin[PartnerCode]):
    list_display = ("__str__", "masked_code", "pool", "claimed_by", "claimed_at", "emailed_at")
    list_filter = ("pool", ("claimed_at", admin.EmptyFieldListFilter))
    search_fields = ("claimed_by__email",)
    list_select_related = ("pool", "claimed_by")
    fields = (
        "masked_code",
        "pool",
        "uploaded_at",
        "uploaded_by",
        "claimed_by",
        "claimed_at",
        "emailed_at",
    )
    readonly_fields = fields

    @admin.display(description="Code")
    def masked_code(self, obj: PartnerCode) -> str:
        return obj.masked

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # codes come from an uploaded file (Partner pools › Upload codes)

    def has_change_permission(self, request: HttpRequest, obj: PartnerCode | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: PartnerCode | None = None) -> bool:
        return False
