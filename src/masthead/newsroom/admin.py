"""The newsroom back office: write, edit and preview stories."""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from masthead.newsroom import images, services
from masthead.newsroom.blocks import CUT_MARKER, body_to_text, split_lead, without_cut
from masthead.newsroom.models import Article, Author, Section, WireAgency


def _focal_point_field(label: str, help_text: str) -> forms.FloatField:
    return forms.FloatField(
        label=label, min_value=0, max_value=100, initial=50, required=False, help_text=help_text
    )


class ArticleForm(forms.ModelForm[Article]):
    body_text = forms.CharField(
        label="Body",
        widget=forms.Textarea(
            attrs={"rows": 24, "cols": 90, "style": "font-family: Georgia, serif"}
        ),
        required=False,
        help_text=(
            "One block per paragraph, a blank line between blocks. "
            "<code>## Subhead</code> · <code>&gt; Quote — Who said it</code> · "
            "<code>![Alt text](https://… or static/path.svg) Caption</code> · "
            f"<code>{CUT_MARKER}</code> alone ends the free lead (otherwise the first "
            "two paragraphs). Links, <em>emphasis</em> and <strong>bold</strong> are kept; "
            "any other markup is removed."
        ),
    )

    lead_image_upload = forms.FileField(
        label="Lead image",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=(
            f"JPEG, PNG or WebP, at least {images.MIN_WIDTH}×{images.MIN_HEIGHT} px, at most "
            "the size the site allows. Shown above the story, in lists, and when the story is "
            "shared or found in search."
        ),
    )
    remove_lead_image = forms.BooleanField(label="Remove the lead image", required=False)
    lead_image_alt = forms.CharField(
        label="Alt text",
        max_length=300,
        required=False,
        help_text="Required with an image: what it shows, for readers who cannot see it.",
    )
    lead_image_caption = forms.CharField(label="Caption", max_length=400, required=False)
    lead_image_credit = forms.CharField(
        label="Credit", max_length=200, required=False, help_text="Photographer or agency."
    )
    focal_x = _focal_point_field(
        "Focal point across (%)",
        "Where the subject is, from the left edge: crops keep it in the picture.",
    )
    focal_y = _focal_point_field("Focal point down (%)", "From the top edge.")

    class Meta:
        model = Article
        fields = (
            "headline",
            "slug",
            "standfirst",
            "section",
            "authors",
            "dateline",
            "access_level",
            "premium_pick",
            "agency",
            "canonical_url",
            "status",
            "published_at",
            "updated_at",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["body_text"].initial = body_to_text(self.instance.body)
            story = self.instance
            self.fields["lead_image_alt"].initial = story.lead_image_alt
            self.fields["lead_image_caption"].initial = story.lead_image_caption
            self.fields["lead_image_credit"].initial = story.lead_image_credit
            self.fields["focal_x"].initial = round(story.lead_image_focal_x * 100, 1)
            self.fields["focal_y"].initial = round(story.lead_image_focal_y * 100, 1)
        self.checked_image: images.CheckedImage | None = None

    def clean_lead_image_upload(self) -> Any:
        upload = self.cleaned_data.get("lead_image_upload")
        if upload:
            if upload.size is not None and upload.size > images.max_upload_bytes():
                raise ValidationError(
                    f"The image is {upload.size / 1_048_576:.1f} MB; the most we take is "
                    f"{images.max_upload_bytes() // 1_048_576} MB."
                )
            self.checked_image = images.check_upload(data=upload.read())
        return upload

    def clean_body_text(self) -> str:
        text = str(self.cleaned_data.get("body_text", ""))
        self.cleaned_body = services.body_from_text(text=text)
        return text

    def clean_slug(self) -> str:
        return str(self.cleaned_data["slug"]).lower()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            services.check_premium_pick(
                access_level=str(cleaned.get("access_level", "")),
                premium_pick=cleaned.get("premium_pick"),
            )
        except ValidationError as exc:
            self.add_error("premium_pick", exc)
        self._clean_lead_image(cleaned)
        return cleaned

    def has_lead_image(self) -> bool:
        if self.cleaned_data.get("remove_lead_image"):
            return False
        return self.checked_image is not None or bool(self.instance.lead_image)

    def _clean_lead_image(self, cleaned: dict[str, Any]) -> None:
        if "lead_image_upload" in self.errors:
            return
        words = any(cleaned.get(f) for f in ("lead_image_alt", "lead_image_caption"))
        if self.has_lead_image():
            if not str(cleaned.get("lead_image_alt", "")).strip():
                self.add_error(
                    "lead_image_alt",
                    "Describe the image: alt text is required when a story has a lead image "
                    "(for a chart, say what it shows).",
                )
        elif words and not cleaned.get("remove_lead_image"):
            self.add_error("lead_image_upload", "Upload the image these words describe.")

    def lead_image_focal(self) -> tuple[float, float]:
        x, y = self.cleaned_data.get("focal_x"), self.cleaned_data.get("focal_y")
        return ((50.0 if x is None else x) / 100, (50.0 if y is None else y) / 100)

    def save(self, commit: bool = True) -> Article:
        self.instance.body = getattr(self, "cleaned_body", self.instance.body)
        return super().save(commit=commit)


_M = TypeVar("_M", bound=Model)


class ForgetsNewsroomPages(admin.ModelAdmin[_M]):
    """Saving or deleting here shows on every story's next page view (cached page kits)."""

    def save_model(self, request: HttpRequest, obj: _M, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        services.forget_newsroom()

    def delete_model(self, request: HttpRequest, obj: _M) -> None:
        super().delete_model(request, obj)
        services.forget_newsroom()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[_M]) -> None:
        super().delete_queryset(request, queryset)
        services.forget_newsroom()


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin[Article]):
    form = ArticleForm
    list_display = (
        "headline",
        "section",
        "access_level",
        "premium_pick",
        "status",
        "published_at",
        "wire",
    )
    list_filter = ("status", "access_level", "section", "agency")
    search_fields = ("headline", "standfirst", "slug")
    prepopulated_fields = {"slug": ("headline",)}
    autocomplete_fields = ("authors",)
    date_hierarchy = "published_at"
    list_select_related = ("section", "agency")
    readonly_fields = ("preview_link", "current_lead_image")
    fieldsets = (
        (None, {"fields": ("headline", "slug", "standfirst", "body_text", "preview_link")}),
        (
            "Lead image",
            {
                "fields": (
                    "current_lead_image",
                    "lead_image_upload",
                    "lead_image_alt",
                    "lead_image_caption",
                    "lead_image_credit",
                    ("focal_x", "focal_y"),
                    "remove_lead_image",
                )
            },
        ),
        (
            "Placement",
            {"fields": ("section", "authors", "dateline", "access_level", "premium_pick")},
        ),
        ("Wire", {"fields": ("agency", "canonical_url"), "classes": ("collapse",)}),
        ("Publication", {"fields": ("status", "published_at", "updated_at")}),
    )

    # An edit shows on the story's next page view: its cached page kit is dropped (under the
    # old address too when the slug changed), now and again when the save commits.
    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        data = form.cleaned_data
        if form.has_lead_image():
            checked = form.checked_image
            images.set_lead_image(
                article=obj,
                data=checked.data if checked else None,
                alt=data["lead_image_alt"],
                caption=data["lead_image_caption"],
                credit=data["lead_image_credit"],
                focal=form.lead_image_focal(),
            )
        elif obj.lead_image:
            images.remove_lead_image(article=obj)
        previous = form.initial.get("slug") if change else None
        for slug in {obj.slug, previous} - {None, ""}:
            services.forget_article(slug=str(slug))

    def delete_model(self, request: HttpRequest, obj: Article) -> None:
        super().delete_model(request, obj)
        services.forget_article(slug=obj.slug)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        slugs = list(queryset.values_list("slug", flat=True))
        super().delete_queryset(request, queryset)
        for slug in slugs:
            services.forget_article(slug=slug)

    @admin.display(boolean=True)
    def wire(self, obj: Article) -> bool:
        return obj.agency_id is not None

    @admin.display(description="Now")
    def current_lead_image(self, obj: Article) -> str:
        pic = images.picture(obj)
        if pic is None:
            return "No lead image."
        x, y = round(obj.lead_image_focal_x * 100), round(obj.lead_image_focal_y * 100)
        return format_html(
            '<img src="{}" alt="{}" width="{}" height="{}"><br>{}×{} px, focal point {}% across, '
            "{}% down",
            pic.thumbnail_jpeg,
            pic.alt,
            pic.thumbnail_width,
            pic.thumbnail_height,
            obj.lead_image_width,
            obj.lead_image_height,
            x,
            y,
        )

    @admin.display(description="Preview")
    def preview_link(self, obj: Article) -> str:
        if not obj.pk:
            return "Save the story to preview it."
        url = reverse("admin:newsroom_article_preview", args=[obj.pk])
        return format_html('<a href="{}" target="_blank">Preview as readers will see it</a>', url)

    def get_urls(self) -> list[URLPattern]:
        urls = super().get_urls()
        preview = path(
            "<int:pk>/preview/",
            self.admin_site.admin_view(self.preview_view),
            name="newsroom_article_preview",
        )
        return [preview, *urls]

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        article = get_object_or_404(Article.objects.select_related("section", "agency"), pk=pk)
        if not self.has_view_permission(request, article):
            raise PermissionDenied("You may not view this story.")
        split = split_lead(article.body, default_paragraphs=settings.LEAD_PARAGRAPHS)
        return TemplateResponse(
            request,
            "newsroom/preview.html",
            {
                "article": article,
                "lead": without_cut(split.lead),
                "rest": without_cut(split.rest),
            },
        )


class SectionForm(forms.ModelForm[Section]):
    class Meta:
        model = Section
        fields = ("name", "slug", "description", "position", "is_market_analysis")

    def clean_slug(self) -> str:
        slug = str(self.cleaned_data["slug"])
        services.validate_section_slug(slug)
        return slug


@admin.register(Section)
class SectionAdmin(ForgetsNewsroomPages[Section]):
    form = SectionForm
    list_display = ("name", "slug", "position", "is_market_analysis")
    list_editable = ("position",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Author)
class AuthorAdmin(ForgetsNewsroomPages[Author]):
    list_display = ("name", "role")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(WireAgency)
class WireAgencyAdmin(ForgetsNewsroomPages[WireAgency]):
    list_display = ("short_name", "name")
    prepopulated_fields = {"slug": ("short_name",)}
