from django.urls import path

from masthead.pages import views
from masthead.pages.feeds import SectionFeed

app_name = "newsroom"

urlpatterns = [
    path("", views.home, name="home"),
    path("author/<slug:author_slug>/", views.author, name="author"),
    path("premium/", views.premium, name="premium"),
    path("market-analysis/", views.market_analysis, name="market_analysis"),
    path("archive/", views.archive, name="archive"),
    path("archive/<int:year>/", views.archive_year, name="archive_year"),
    path("archive/<int:year>/<int:month>/", views.archive_month, name="archive_month"),
    path("archive/<int:year>/<int:month>/<int:day>/", views.archive_day, name="archive_day"),
    path("rss/<slug:section_slug>.xml", SectionFeed(), name="section_feed"),
    path("<slug:section_slug>/", views.section, name="section"),
    path("<slug:section_slug>/<slug:article_slug>/", views.article, name="article"),
]
