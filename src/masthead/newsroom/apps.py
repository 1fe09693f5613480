from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    """The content below the gate: stories, sections, authors, wire agencies and story bodies.
    Its pages are ``masthead.pages``."""

    name = "masthead.newsroom"
    label = "newsroom"
    verbose_name = "Newsroom"
