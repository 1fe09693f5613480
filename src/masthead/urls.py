from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from masthead.newsroom import views as newsroom_views
from masthead.newsroom.sitemaps import ArticleSitemap, SectionSitemap

admin.site.site_header = f"{settings.PUBLISHER_NAME} — back office"
admin.site.site_title = "Masthead back office"
admin.site.index_title = "Newsroom, paywall and revenue"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("masthead.accounts.urls")),
    path("accounts/devices/", include("masthead.devices.urls")),
    path("api/v1/", include("masthead.api.urls")),
    path("accounts/", include("allauth.urls")),
    path("subscribe/", include("masthead.billing.urls")),
    path("partner/", include("masthead.partners.urls")),
    path("gift/", include("masthead.gifts.urls")),
    path("epaper/", include("masthead.epaper.urls")),
    path("newsletters/", include("masthead.newsletters.urls")),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": {"articles": ArticleSitemap, "sections": SectionSitemap}},
        name="sitemap",
    ),
    path("robots.txt", newsroom_views.robots_txt, name="robots_txt"),
    # Operations: /healthz, /readyz, /metrics (masthead.ops).
    path("", include("masthead.ops.urls")),
    path("", include("masthead.newsroom.urls")),
]

handler404 = "masthead.newsroom.views.page_not_found"
handler500 = "masthead.newsroom.views.server_error"
