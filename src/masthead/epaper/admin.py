"""Back office: upload an edition, watch it render, see what was published or refused."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from masthead.epaper import services
from masthead.epaper.forms import EditionUploadForm
from masthead.epaper.models import Download, Edition, EditionStatus


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin[Edition]):
    list_display = ("date", "name", "status", "page_count", "source_name", "created_at", "view")
    list_filter = ("status", "name")
    date_hierarchy = "date"
    search_fields = ("name", "source_name")
    readonly_fields = (
        "date", "name", "slug", "status", "page_count", "source_name", "source_bytes", "error",
        "uploaded_by", "created_at", "published_at", "folder",
    )  # fmt: skip

    def has_change_permission(self, request: HttpRequest, obj: Edition | None = None) -> bool:
        return False  # an edition is changed by uploading it again

    @admin.display(description="On the site")
    def view(self, obj: Edition) -> str:
        if obj.status != EditionStatus.READY:
            return "—"
        url = reverse(
            "epaper:page", kwargs={"date": obj.date.isoformat(), "slug": obj.slug, "number": 1}
        )
        return format_html('<a href="{}">Open</a>', url)

    def get_urls(self) -> list[URLPattern]:
        upload = path(
            "upload/",
            self.admin_site.admin_view(self.upload_view),
            name="epaper_edition_upload",
        )
        return [upload, *super().get_urls()]

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        return HttpResponseRedirect(reverse("admin:epaper_edition_upload"))

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = EditionUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["pdf"]
            try:
                with services.local_copy(upload) as local:
                    edition = services.receive_edition(
                        path=local,
                        filename=upload.name or "edition.pdf",
                        date=form.cleaned_data["date"],
                        name=form.cleaned_data["name"],
                        uploaded_by=request.user,  # type: ignore[arg-type]
                    )
            except ValidationError as exc:
                form.add_error("pdf" if getattr(exc, "reason", None) else "name", exc)
            except OSError as exc:
                # The storage refused the file (a full disk, say): the editor is told, and
                # nothing was published; the edition readers had stays up.
                form.add_error(
                    None,
                    f"The e-paper storage could not keep the file ({exc.strerror or exc}); "
                    "nothing was published. Upload it again once there is room.",
                )
            else:
                edition.refresh_from_db()
                if edition.status == EditionStatus.READY:
                    messages.success(request, f"Published {edition}: {edition.page_count} pages.")
                elif edition.status == EditionStatus.FAILED:
                    messages.error(request, f"{edition} could not be published: {edition.error}")
                else:
                    messages.info(
                        request,
                        f"{edition} is rendering in the background ({edition.page_count} pages); "
                        "it replaces any earlier upload when every page is ready.",
                    )
                return HttpResponseRedirect(reverse("admin:epaper_edition_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": "Upload an e-paper edition",
        }
        return TemplateResponse(request, "admin/epaper/edition/upload.html", context)

    def delete_model(self, request: HttpRequest, obj: Edition) -> None:
        services.delete_edition(edition=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Edition]) -> None:
        for edition in queryset:
            services.delete_edition(edition=edition)


@admin.register(Download)
class DownloadAdmin(admin.ModelAdmin[Download]):
    """Trace a PDF found in the wild: its footer's reference names the download."""

    list_display = (
        "reference",
        "user",
        "edition_date",
        "edition_slug",
        "page_number",
        "created_at",
    )
    search_fields = ("reference", "user__email")
    readonly_fields = list_display

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Download | None = None) -> bool:
        return False
