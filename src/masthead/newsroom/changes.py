"""Telling the layers above that the newsroom's content changed.

The newsroom is below the gate and knows nothing of the pages built from it (``masthead.pages``
caches a kit per story). Saving a story, section, author or agency calls ``story_changed`` or
``newsroom_changed``; whoever caches something built from the content registers a listener once,
when its app is ready (``pages.apps``), and drops what it keeps. Listeners run in the saving
process, at once; keeping other processes fresh is each cache's own affair (see
``pages.page_cache``).
"""

from __future__ import annotations

from collections.abc import Callable

StoryListener = Callable[[str], None]
NewsroomListener = Callable[[], None]

_story_listeners: list[StoryListener] = []
_newsroom_listeners: list[NewsroomListener] = []


def listen(*, on_story: StoryListener, on_newsroom: NewsroomListener) -> None:
    """Call ``on_story(slug)`` when a story changes and ``on_newsroom()`` when a section, author
    or agency does. Registering the same pair twice is harmless (it is kept once)."""
    if on_story not in _story_listeners:
        _story_listeners.append(on_story)
    if on_newsroom not in _newsroom_listeners:
        _newsroom_listeners.append(on_newsroom)


def story_changed(*, slug: str) -> None:
    for listener in _story_listeners:
        listener(slug)


def newsroom_changed() -> None:
    for listener in _newsroom_listeners:
        listener()
