"""``{% load story_pictures %}``: a story's lead image in the newspaper's pages."""

from __future__ import annotations

from django import template

from masthead.newsroom import images
from masthead.newsroom.models import Article

register = template.Library()


@register.filter
def lead_picture(article: Article) -> images.Picture | None:
    """``{% with pic=a|lead_picture %}``: the story's image as the templates print it."""
    return images.picture(article)
