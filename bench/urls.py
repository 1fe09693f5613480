"""Masthead's URLs plus a bare page of any size, so the route never leaks into the product."""

from django.urls import path

from bench import views
from masthead.urls import handler404, handler500
from masthead.urls import urlpatterns as masthead_urlpatterns

urlpatterns = [
    path("bench/bare/<int:size>/", views.bare, name="bench_bare"),
    *masthead_urlpatterns,
]

__all__ = ["handler404", "handler500", "urlpatterns"]
