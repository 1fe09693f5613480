"""allauth adapter: where to send a reader after signing in or up."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    """allauth already honours a safe ``?next=``; this keeps the story as the default return."""
