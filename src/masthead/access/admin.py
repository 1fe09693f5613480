"""The paywall back office: meter rules, prompt copy, benefits, and complimentary access."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from masthead.access import services
from masthead.access.copy import PLACEHOLDERS, CopyError, validate_copy
from masthead.access.models import (
    ArchivePolicy,
    BenefitCopy,
    Grant,
    MeterMiss,
    MeterRule,
    PromptCopy,
)
from masthead.access.services import COMP_DURATION_LABELS, CompDuration


@admin.register(MeterRule)
class MeterRuleAdmin(admin.ModelAdmin[MeterRule]):
    list_display = ("name", "position", "audience", "free_limit", "period", "is_active")
    list_editable = ("position", "is_active")
    filter_horizontal = ("counted_sections", "exempt_sections")
    fieldsets = (
        (None, {"fields": ("name", "position", "is_active", "audience", "free_limit")}),
        ("Period", {"fields": ("period", "rolling_days")}),
        (
            "Which stories count",
            {"fields": ("counted_sections", "exempt_sections", "exempt_wire_stories")},
        ),
    )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: Any) -> None:
        super().save_related(request, form, formsets, change)
        services.rules_changed()


@admin.register(ArchivePolicy)
class ArchivePolicyAdmin(admin.ModelAdmin[ArchivePolicy]):
    """One policy: the first row is the one the gate reads, so a second cannot be added."""

    list_display = ("__str__", "archive_after_days")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not ArchivePolicy.objects.exists()

    def save_model(self, request: HttpRequest, obj: ArchivePolicy, form: Any, change: Any) -> None:
        super().save_model(request, obj, form, change)
        services.rules_changed()


_PLACEHOLDER_HELP = "Placeholders: " + ", ".join(
    f"{{{name}}} — {meaning}" for name, meaning in PLACEHOLDERS.items()
)


class PromptCopyForm(forms.ModelForm[PromptCopy]):
    class Meta:
        model = PromptCopy
        fields = ("kind", "heading", "message", "button_label", "secondary", "footnote")
        help_texts = {"heading": _PLACEHOLDER_HELP}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in ("heading", "message", "button_label", "secondary", "footnote"):
            try:
                validate_copy(str(cleaned.get(name) or ""))
            except CopyError as exc:
                self.add_error(name, str(exc))
        return cleaned


@admin.register(PromptCopy)
class PromptCopyAdmin(admin.ModelAdmin[PromptCopy]):
    form = PromptCopyForm
    list_display = ("kind", "heading")


@admin.register(BenefitCopy)
class BenefitCopyAdmin(admin.ModelAdmin[BenefitCopy]):
    list_display = ("title", "benefit", "position")
    list_editable = ("position",)


class ComplimentaryForm(forms.Form):
    email = forms.EmailField(label="Reader's email")
    duration = forms.ChoiceField(choices=[(d.value, COMP_DURATION_LABELS[d]) for d in CompDuration])
    note = forms.CharField(max_length=300, required=False)

    def clean_email(self) -> Any:
        email = self.cleaned_data["email"]
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError(
                "No reader has this email. Check the spelling, or ask the reader to register first."
            )
        self.user = user
        return email


@admin.register(Grant)
class GrantAdmin(admin.ModelAdmin[Grant]):
    list_display = ("user", "benefit", "source", "starts_at", "ends_at", "revoked_at")
    list_filter = ("source", "benefit", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("user__email", "source_reference")
    raw_id_fields = ("user", "granted_by", "revoked_by")
    readonly_fields = ("granted_by", "revoked_at", "revoked_by", "created_at")
    actions = ("revoke",)
    change_list_template = "admin/access/grant/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Grants are made through the complimentary form or by billing, never typed in raw.
        return False

    @admin.action(description="Revoke the selected grants now")
    def revoke(self, request: HttpRequest, queryset: QuerySet[Grant]) -> None:
        count = services.revoke_grants(grants=list(queryset), revoked_by=request.user)  # type: ignore[arg-type]
        self.message_user(request, f"Revoked {count} grant(s).", messages.SUCCESS)

    def get_urls(self) -> list[URLPattern]:
        extra = path(
            "complimentary/",
            self.admin_site.admin_view(self.complimentary_view),
            name="access_grant_complimentary",
        )
        return [extra, *super().get_urls()]

    def complimentary_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_change_permission(request):
            return HttpResponse("You may not grant access.", status=403)
        form = ComplimentaryForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            grants = services.grant_complimentary(
                user=form.user,
                duration=CompDuration(form.cleaned_data["duration"]),
                granted_by=request.user,  # type: ignore[arg-type]
                note=form.cleaned_data["note"],
            )
            ends = grants[0].ends_at
            until = f"until {ends:%d %b %Y}" if ends else "with no end date"
            self.message_user(
                request,
                f"{form.user} now has complimentary access {until}.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:access_grant_changelist"))
        return TemplateResponse(
            request,
            "admin/access/grant/complimentary.html",
            {
                **self.admin_site.each_context(request),
                "form": form,
                "title": "Complimentary access",
            },
        )


@admin.register(MeterMiss)
class MeterMissAdmin(admin.ModelAdmin[MeterMiss]):
    list_display = ("occurred_at", "store", "policy", "error")
    readonly_fields = ("reader_key", "article_id", "occurred_at", "store", "policy", "error")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
