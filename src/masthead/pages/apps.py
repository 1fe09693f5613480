from django.apps import AppConfig


class PagesConfig(AppConfig):
    """The newspaper's public pages: home, sections, stories, archive, feeds and sitemaps.

    Above the gate: they read the newsroom's content, ask ``access`` what each reader may see,
    and render it. No models of their own."""

    name = "masthead.pages"
    label = "pages"
    verbose_name = "Pages"

    def ready(self) -> None:
        from masthead.access import ways_in
        from masthead.access.models import Benefit
        from masthead.newsroom import changes
        from masthead.pages import listing_cache, page_cache

        # Saving a story, section, author or agency drops the cached page kits built from it,
        # and every cached listing (home, sections, premium, feeds, sitemaps, ...).
        changes.listen(on_story=page_cache.story_changed, on_newsroom=page_cache.newsroom_changed)
        changes.listen(
            on_story=listing_cache.story_changed, on_newsroom=listing_cache.newsroom_changed
        )

        # The "Your benefits" page links each benefit to where it is used (access.ways_in).
        ways_in.register(
            benefit=Benefit.UNLIMITED_STORIES,
            label="Read today's stories",
            url_name="newsroom:home",
        )
        ways_in.register(
            benefit=Benefit.PREMIUM_STORIES,
            label="Today's premium stories",
            url_name="newsroom:premium",
        )
        ways_in.register(
            benefit=Benefit.MARKET_ANALYSIS,
            label="Market analysis",
            url_name="newsroom:market_analysis",
        )
        ways_in.register(
            benefit=Benefit.ARCHIVES, label="Browse the archive", url_name="newsroom:archive"
        )
