from django.urls import path

from masthead.api import views

app_name = "api"

urlpatterns = [
    path("tokens", views.tokens, name="tokens"),
    path("tokens/current", views.current_token, name="current_token"),
    path("me", views.me, name="me"),
    path("stories/", views.stories, name="stories"),
    path("stories/<str:key>", views.story, name="story"),
    path("openapi.json", views.openapi, name="openapi"),
    path("search", views.search, name="search"),
]
