from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "masthead.newsroom"
    label = "newsroom"
    verbose_name = "Newsroom"

    def ready(self) -> None:
        # The "Your benefits" page links each benefit to where it is used (access.ways_in).
        from masthead.access import ways_in
        from masthead.access.models import Benefit

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
