from django.urls import path

from masthead.newsroom import views
from masthead.newsroom.feeds import SectionFeed

app_name = "newsroom"

urlpatterns = [
    path("", views.home, name="home"),
    path("author/<slug:author_slug>/", views.author, name="author"),
    path("rss/<slug:section_slug>.xml", SectionFeed(), name="section_feed"),
    path("<slug:section_slug>/", views.section, name="section"),
    path("<slug:section_slug>/<slug:article_slug>/", views.article, name="article"),
]
