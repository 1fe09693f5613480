"""The newsletters back office: newsletters with their subscriber counts over time, issues
composed from stories (previewed as a subscriber and as a free reader, then sent or scheduled)
with their sent and failed counts, sign-ups and suppressions.

Sending and scheduling go through ``services``; the admin never changes an issue's status.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from masthead.access.identity import Reader
from masthead.access.models import Benefit
from masthead.newsletters import selectors, services
from masthead.newsletters.models import (
    Issue,
    IssueStatus,
    IssueStory,
    Newsletter,
    Signup,
    SignupStatus,
    Suppression,
)
from masthead.newsletters.rendering import IssueRenderer, Recipient

# Who the previews are rendered for: the gate answers for these as for any recipient.
PREVIEW_READERS = {
    "subscriber": ("a subscriber", frozenset(Benefit.values)),
    "free": ("a free reader", frozenset()),
}


@admin.register(Newsletter)
class NewsletterAdmin(admin.ModelAdmin[Newsletter]):
    list_display = ("name", "cadence", "audience", "receiving", "waiting", "is_active")
    list_filter = ("audience", "is_active")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("subscribers_over_time",)
    fields = (
        "name",
        "slug",
        "description",
        "cadence",
        "audience",
        "position",
        "is_active",
        "subscribers_over_time",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Newsletter]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                receiving_count=Count(
                    "signups",
                    filter=Q(signups__status=SignupStatus.ACTIVE)
                    & ~Q(signups__email__in=Suppression.objects.values("email")),
                ),
                waiting_count=Count("signups", filter=Q(signups__status=SignupStatus.PENDING)),
            )
        )

    @admin.display(description="Subscribers", ordering="receiving_count")
    def receiving(self, obj: Newsletter) -> int:
        return int(getattr(obj, "receiving_count", 0))

    @admin.display(description="Awaiting confirmation", ordering="waiting_count")
    def waiting(self, obj: Newsletter) -> int:
        return int(getattr(obj, "waiting_count", 0))

    @admin.display(description="Subscribers over the last four weeks")
    def subscribers_over_time(self, obj: Newsletter) -> str:
        if obj.pk is None:
            return "—"
        points = selectors.subscribers_over_time(newsletter=obj)
        peak = max((n for _, n in points), default=0) or 1
        rows = format_html_join(
            "",
            # A <progress> bar: no inline style, which the Content-Security-Policy refuses.
            '<tr><th scope="row">{}</th><td>{}</td><td><progress max="{}" value="{}">'
            "</progress></td></tr>",
            ((day.strftime("%d %b %Y"), n, peak, n) for day, n in points),
        )
        return format_html(
            '<table class="subscribers-over-time"><thead><tr><th>Week ending</th>'
            "<th>Subscribers</th><th></th></tr></thead><tbody>{}</tbody></table>",
            rows,
        )


class IssueStoryInline(admin.TabularInline[IssueStory, Issue]):
    model = IssueStory
    extra = 3
    autocomplete_fields = ("article",)
    fields = ("position", "article")

    def has_add_permission(self, request: HttpRequest, obj: Issue | None = None) -> bool:
        return obj is None or obj.status == IssueStatus.DRAFT

    def has_change_permission(self, request: HttpRequest, obj: Issue | None = None) -> bool:
        return obj is None or obj.status == IssueStatus.DRAFT

    def has_delete_permission(self, request: HttpRequest, obj: Issue | None = None) -> bool:
        return obj is None or obj.status == IssueStatus.DRAFT


class SendForm(forms.Form):
    send_at = forms.DateTimeField(
        label="Send at",
        required=False,
        help_text="Leave empty to send now. Publisher's time, e.g. 2026-11-26 08:00.",
    )


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin[Issue]):
    list_display = ("subject", "newsletter", "status", "send_at", "sent", "failed", "waiting")
    list_filter = ("status", "newsletter")
    search_fields = ("subject",)
    inlines = (IssueStoryInline,)
    fields = ("newsletter", "subject", "introduction", "status", "send_at", "counts")
    readonly_fields = ("status", "send_at", "counts")
    change_form_template = "admin/newsletters/issue/change_form.html"

    def get_readonly_fields(self, request: HttpRequest, obj: Issue | None = None) -> Any:
        if obj is not None and obj.status != IssueStatus.DRAFT:
            return ("newsletter", "subject", "introduction", "status", "send_at", "counts")
        return self.readonly_fields

    def has_delete_permission(self, request: HttpRequest, obj: Issue | None = None) -> bool:
        return obj is None or obj.status == IssueStatus.DRAFT

    def save_model(self, request: HttpRequest, obj: Issue, form: Any, change: bool) -> None:
        if not change:
            obj.created_by_id = request.user.pk
        super().save_model(request, obj, form, change)

    def _counts(self, obj: Issue) -> selectors.IssueCounts:
        cached: selectors.IssueCounts | None = getattr(obj, "_counts_memo", None)
        if cached is None:
            cached = selectors.issue_counts(issue=obj)
            obj._counts_memo = cached  # type: ignore[attr-defined]
        return cached

    @admin.display(description="Sent")
    def sent(self, obj: Issue) -> int:
        return self._counts(obj).sent

    @admin.display(description="Failed")
    def failed(self, obj: Issue) -> int:
        return self._counts(obj).failed

    @admin.display(description="Waiting")
    def waiting(self, obj: Issue) -> int:
        return self._counts(obj).waiting

    @admin.display(description="Recipients")
    def counts(self, obj: Issue) -> str:
        if obj.pk is None:
            return "—"
        c = self._counts(obj)
        return (
            f"{c.total} listed: {c.sent} sent, {c.failed} failed, {c.skipped} skipped "
            f"(unsubscribed or suppressed meanwhile), {c.waiting} waiting"
        )

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path(
                "<path:object_id>/preview/<slug:as_whom>/",
                self.admin_site.admin_view(self.preview_view),
                name="newsletters_issue_preview",
            ),
            path(
                "<path:object_id>/send/",
                self.admin_site.admin_view(self.send_view),
                name="newsletters_issue_send",
            ),
        ]
        return [*extra, *super().get_urls()]

    def _issue(self, request: HttpRequest, object_id: str) -> Issue:
        issue = self.get_object(request, object_id)
        if issue is None or not self.has_view_permission(request, issue):
            raise Http404("No such issue.")
        return issue

    def preview_view(self, request: HttpRequest, object_id: str, as_whom: str) -> HttpResponse:
        """The HTML email as a subscriber or a free reader would get it (the gate decides)."""
        if as_whom not in PREVIEW_READERS:
            raise Http404("Preview as 'subscriber' or 'free'.")
        issue = self._issue(request, object_id)
        _, benefits = PREVIEW_READERS[as_whom]
        # user_id 0 is no account: the gate reads only these benefits, and an empty meter.
        reader = Reader(user_id=0, anonymous_id=None, _benefits=benefits)
        renderer = IssueRenderer.for_issue(issue=issue, now=timezone.now(), preview=True)
        message = renderer.message(
            recipient=Recipient(email="preview@example.com", signup_id=0, user_id=None),
            reader=reader,
        )
        html = str(message.alternatives[0][0])
        return HttpResponse(html)

    def send_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        issue = self._issue(request, object_id)
        if not self.has_change_permission(request, issue):
            raise Http404("No such issue.")
        form = SendForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            when: dt.datetime | None = form.cleaned_data["send_at"]
            try:
                if when is None:
                    services.send_now(issue_id=issue.pk)
                    note = "Sending now: the worker hands it to the mail server in batches."
                else:
                    services.schedule(issue_id=issue.pk, send_at=when)
                    note = f"Scheduled for {timezone.localtime(when):%d %b %Y %H:%M}."
            except services.NewsletterError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, note)
                return HttpResponseRedirect(
                    reverse("admin:newsletters_issue_change", args=[issue.pk])
                )
        audience = selectors.receiving_signups().filter(newsletter=issue.newsletter).count()
        return TemplateResponse(
            request,
            "admin/newsletters/issue/send.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "Send or schedule",
                "object": issue,
                "form": form,
                "audience": audience,
                "object_url": reverse("admin:newsletters_issue_change", args=[issue.pk]),
            },
        )


@admin.register(Signup)
class SignupAdmin(admin.ModelAdmin[Signup]):
    list_display = ("email", "newsletter", "status", "created_at", "confirmed_at", "source")
    list_filter = ("status", "newsletter")
    search_fields = ("email",)
    readonly_fields = (
        "newsletter",
        "email",
        "user",
        "status",
        "created_at",
        "confirmed_at",
        "unsubscribed_at",
        "source",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Signup | None = None) -> bool:
        return False


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin[Suppression]):
    list_display = ("email", "reason", "detail", "created_at")
    list_filter = ("reason",)
    search_fields = ("email",)
    fields = ("email", "reason", "detail")

    def has_change_permission(self, request: HttpRequest, obj: Suppression | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Suppression, form: Any, change: bool) -> None:
        saved = services.suppress(email=obj.email, reason=obj.reason, detail=obj.detail)
        obj.pk = saved.pk
