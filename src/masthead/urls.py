from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from masthead.pages import sitemaps
from masthead.pages import views as newsroom_views
from masthead.pages.feeds import LatestFeed

admin.site.site_header = f"{settings.PUBLISHER_NAME} — back office"
admin.site.site_title = "Masthead back office"
admin.site.index_title = "Newsroom, paywall and revenue"
# Staff sign in where readers do: the throttled sign-in, then their second factor (issue 15).
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("admin/insights/", include("masthead.insights.urls")),  # revenue insights' dashboards
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
    # Search engines and feed readers (masthead.pages: sitemaps, feeds, robots, favicon).
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path("sitemaps/pages.xml", sitemaps.pages, name="sitemap_pages"),
    path("sitemaps/news.xml", sitemaps.news, name="sitemap_news"),
    path("sitemaps/stories-<int:year>.xml", sitemaps.stories_of_year, name="sitemap_year"),
    path("rss.xml", LatestFeed(), name="latest_feed"),
    path("search/", include("masthead.search.urls")),
    path("robots.txt", newsroom_views.robots_txt, name="robots_txt"),
    path("favicon.ico", newsroom_views.favicon_ico, name="favicon_ico"),
    # Operations: /healthz, /readyz, /metrics (masthead.ops).
    path("", include("masthead.ops.urls")),
    path("", include("masthead.pages.urls")),
]
if settings.SERVE_MEDIA:  # stories' images; in production the web server or bucket serves them
    urlpatterns.insert(
        -1,
        path(
            f"{settings.MEDIA_URL.strip('/')}/newsroom/images/<path:name>",
            newsroom_views.story_image,
            name="story_image",
        ),
    )

handler404 = "masthead.pages.views.page_not_found"
handler500 = "masthead.pages.views.server_error"
