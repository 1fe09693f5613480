"""The API's OpenAPI 3.1 document, served at /api/v1/openapi.json.

Written by hand, beside the views it describes; enumerations come from the code (the gate's
reasons, access levels, prompts, benefits) so they cannot drift. ``api/tests/test_openapi.py``
keeps it true: every route is documented, and schemathesis calls every operation with examples
generated from this document and checks each answer against it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from masthead.access.gate import Reason
from masthead.access.models import Benefit, PromptKind
from masthead.devices.models import DeviceKind
from masthead.devices.services import MAX_NAME
from masthead.newsroom.models import AccessLevel

JSON = "application/json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _answer(description: str, schema: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": _ref(schema)}}}


def _error(description: str) -> dict[str, Any]:
    return _answer(description, "Error")


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"oneOf": [schema, {"type": "null"}]}


UNAUTHORIZED = _error("No token, or a token that was signed out.")

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "description": "Every error under /api/v1/ has this shape.",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "examples": ["not_found", "unauthorized"]},
                    "message": {"type": "string", "minLength": 1},
                },
                "additionalProperties": True,
            }
        },
    },
    "Device": {
        "type": "object",
        "required": ["id", "kind", "name", "first_seen_at", "last_seen_at", "current"],
        "properties": {
            "id": {"type": "integer"},
            "kind": {"type": "string", "enum": [k.value for k in DeviceKind]},
            "name": {"type": "string"},
            "first_seen_at": {"type": "string", "format": "date-time"},
            "last_seen_at": {"type": "string", "format": "date-time"},
            "current": {"type": "boolean"},
        },
    },
    "TokenRequest": {
        "type": "object",
        "required": ["email", "password", "device_name"],
        "properties": {
            "email": {"type": "string", "format": "email"},
            "password": {"type": "string"},
            "device_name": {"type": "string", "pattern": "\\S", "maxLength": MAX_NAME},
            "replace_device": {
                "type": "integer",
                "minimum": 1,
                "description": "Over the device limit: the id of your device to sign out.",
            },
        },
    },
    "TokenIssued": {
        "type": "object",
        "required": ["token", "token_type", "device", "signed_out"],
        "properties": {
            "token": {"type": "string", "description": "Shown once; send it as a Bearer token."},
            "token_type": {"const": "Bearer"},
            "device": _ref("Device"),
            "signed_out": {"type": "array", "items": _ref("Device")},
        },
    },
    "Me": {
        "type": "object",
        "required": ["email", "benefits", "device_limit", "devices"],
        "properties": {
            "email": {"type": "string"},
            "benefits": {
                "type": "array",
                "items": {"type": "string", "enum": [b.value for b in Benefit]},
            },
            "device_limit": _nullable({"type": "integer"}),
            "devices": {"type": "array", "items": _ref("Device")},
        },
    },
    "StorySummary": {
        "type": "object",
        "required": [
            "id",
            "slug",
            "headline",
            "standfirst",
            "section",
            "access_level",
            "published_at",
            "url",
            "agency",
        ],
        "properties": {
            "id": {"type": "integer"},
            "slug": {"type": "string"},
            "headline": {"type": "string"},
            "standfirst": {"type": "string"},
            "section": {"type": "string", "description": "The section's slug."},
            "access_level": {"type": "string", "enum": [a.value for a in AccessLevel]},
            "published_at": _nullable({"type": "string", "format": "date-time"}),
            "url": {"type": "string", "format": "uri"},
            "agency": _nullable({"type": "string", "description": "Wire agency, if any."}),
        },
    },
    "StoryList": {
        "type": "object",
        "required": ["stories", "page", "pages"],
        "properties": {
            "stories": {"type": "array", "items": _ref("StorySummary")},
            "page": {"type": "integer", "minimum": 1},
            "pages": {"type": "integer", "minimum": 1},
        },
    },
    "Block": {
        "type": "object",
        "required": ["type"],
        "properties": {
            "type": {"type": "string", "enum": ["paragraph", "subhead", "quote", "image"]},
        },
        "additionalProperties": True,
    },
    "Story": {
        "allOf": [
            _ref("StorySummary"),
            {
                "type": "object",
                "required": ["full", "reason", "prompt", "meter", "body"],
                "properties": {
                    "full": {
                        "type": "boolean",
                        "description": "True: the whole story; false: its lead only.",
                    },
                    "reason": {"type": "string", "enum": [r.value for r in Reason]},
                    "prompt": _nullable({"type": "string", "enum": [p.value for p in PromptKind]}),
                    "meter": _nullable(
                        {
                            "type": "object",
                            "required": ["free_limit", "read", "remaining"],
                            "properties": {
                                "free_limit": {"type": "integer"},
                                "read": {"type": "integer"},
                                "remaining": {"type": "integer"},
                            },
                        }
                    ),
                    "body": {"type": "array", "items": _ref("Block")},
                },
            },
        ]
    },
    "SearchResult": {
        "type": "object",
        "required": [
            "kind",
            "url",
            "headline",
            "headline_html",
            "snippet",
            "snippet_html",
            "published_at",
            "section",
            "authors",
            "agency",
            "access_level",
            "full",
            "reason",
            "matches_in_full_story",
            "label",
        ],
        "properties": {
            "kind": {"type": "string", "enum": ["story", "epaper_page"]},
            "url": {"type": "string", "format": "uri"},
            "headline": {"type": "string"},
            "headline_html": {"type": "string", "description": "Escaped; matches in <mark>."},
            "snippet": {
                "type": "string",
                "description": "Only from what this reader may read: without access, the "
                "headline, standfirst and lead.",
            },
            "snippet_html": {"type": "string"},
            "published_at": {"type": "string", "format": "date-time"},
            "section": {"type": "string"},
            "authors": {"type": "array", "items": {"type": "string"}},
            "agency": _nullable({"type": "string"}),
            "access_level": _nullable({"type": "string"}),
            "full": {"type": "boolean", "description": "May this reader read it in full?"},
            "reason": _nullable({"type": "string"}),
            "matches_in_full_story": {"type": "boolean"},
            "label": _nullable({"type": "string"}),
        },
    },
    "SearchResults": {
        "type": "object",
        "required": [
            "query",
            "total",
            "more_than_total",
            "page",
            "pages",
            "sort",
            "did_you_mean",
            "epaper_included",
            "results",
        ],
        "properties": {
            "query": {"type": "string"},
            "total": {"type": "integer", "minimum": 0},
            "more_than_total": {"type": "boolean"},
            "page": {"type": "integer", "minimum": 1},
            "pages": {"type": "integer", "minimum": 0},
            "sort": {"type": "string", "enum": ["relevance", "newest"]},
            "did_you_mean": _nullable({"type": "string"}),
            "epaper_included": {"type": "boolean"},
            "results": {"type": "array", "items": _ref("SearchResult")},
        },
    },
}


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


# The search page's parameters (masthead.search.params), for the apps' /api/v1/search.
SEARCH_PARAMETERS = [
    _query(
        "q",
        'Plain words, "a phrase", -word to exclude, OR between words (at most 200 characters).',
        {"type": "string"},
    ),
    _query("section", "A section's slug.", {"type": "string"}),
    _query("author", "An author's slug.", {"type": "string"}),
    _query(
        "type",
        "Story type.",
        {"type": "string", "enum": ["", "staff", "wire", "premium", "market", "epaper"]},
    ),
    _query("year", "Published in this year (not with from/to).", {"type": "string"}),
    _query("from", "Published on or after this day (YYYY-MM-DD).", {"type": "string"}),
    _query("to", "Published on or before this day (YYYY-MM-DD).", {"type": "string"}),
    _query(
        "sort",
        "Relevance (the default) or newest first.",
        {"type": "string", "enum": ["", "relevance", "newest"]},
    ),
    _query("page", "Page number.", {"type": "integer", "minimum": 1, "maximum": 100}),
]


# Refused before any view by core.middleware.RequestLimitsMiddleware, on every path.
REQUEST_LIMITS = {
    "400": _error("A malformed address (a null character), or a bad parameter."),
    "414": _error("The address is too long."),
}


def _with_request_limits(paths: dict[str, Any]) -> dict[str, Any]:
    for operations in paths.values():
        for operation in operations.values():
            for status, answer in REQUEST_LIMITS.items():
                operation["responses"].setdefault(status, answer)
    return paths


def document() -> dict[str, Any]:
    bearer: list[dict[str, list[str]]] = [{"bearerToken": []}]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{settings.PUBLISHER_NAME} apps API",
            "version": "1",
            "description": (
                "For the publisher's own apps. Make a token with your email and password, "
                "then send it as `Authorization: Bearer <token>`. Stories get the same answer "
                "from the same paywall as the story page; opening one uses the meter."
            ),
        },
        "servers": [{"url": settings.SITE_URL}],
        "components": {
            "securitySchemes": {"bearerToken": {"type": "http", "scheme": "bearer"}},
            "schemas": SCHEMAS,
        },
        "paths": _with_request_limits(
            {
                "/api/v1/tokens": {
                    "post": {
                        "operationId": "makeToken",
                        "summary": "Sign an app in: a token for this device",
                        "security": [],
                        "requestBody": {
                            "required": True,
                            "content": {JSON: {"schema": _ref("TokenRequest")}},
                        },
                        "responses": {
                            "201": _answer("The token (shown once) and its device.", "TokenIssued"),
                            "400": _error("Something missing or malformed; the message says what."),
                            "401": _error("Email and password do not match."),
                            "409": _error("Over the device limit: `devices` lists them."),
                            "429": _error("Too many attempts; wait and try again."),
                        },
                    }
                },
                "/api/v1/tokens/current": {
                    "delete": {
                        "operationId": "signOut",
                        "summary": "Sign this app out (its token stops working at once)",
                        "security": bearer,
                        "responses": {"204": {"description": "Signed out."}, "401": UNAUTHORIZED},
                    }
                },
                "/api/v1/me": {
                    "get": {
                        "operationId": "me",
                        "summary": "The reader, the benefits they hold and their devices",
                        "security": bearer,
                        "responses": {"200": _answer("The reader.", "Me"), "401": UNAUTHORIZED},
                    }
                },
                "/api/v1/stories/": {
                    "get": {
                        "operationId": "listStories",
                        "summary": "Published stories, newest first (headlines, never bodies)",
                        "security": bearer,
                        "parameters": [
                            {
                                "name": "section",
                                "in": "query",
                                "required": False,
                                "description": "One section only (its slug; empty: all).",
                                "schema": {"type": "string", "pattern": "^[-a-zA-Z0-9_]*$"},
                            },
                            {
                                "name": "page",
                                "in": "query",
                                "required": False,
                                "description": "Page number (20 a page); past the end: the last.",
                                "schema": {"type": "integer", "minimum": 1},
                            },
                        ],
                        "responses": {
                            "200": _answer("One page of stories.", "StoryList"),
                            "400": _error(
                                "`page` not a whole number from 1, or `section` no slug."
                            ),
                            "401": UNAUTHORIZED,
                        },
                    }
                },
                "/api/v1/stories/{key}": {
                    "get": {
                        "operationId": "story",
                        "summary": "A story as its page shows it to this reader",
                        "description": "The whole body, or only the lead and why (`reason`, "
                        "`prompt`). Uses the meter as opening the page does.",
                        "security": bearer,
                        "parameters": [
                            {
                                "name": "key",
                                "in": "path",
                                "required": True,
                                "description": "The story's id or slug.",
                                "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]+$"},
                            }
                        ],
                        "responses": {
                            "200": _answer("The story.", "Story"),
                            "401": UNAUTHORIZED,
                            "404": _error("No published story with this id or slug."),
                        },
                    }
                },
                "/api/v1/search": {
                    "get": {
                        "operationId": "search",
                        "summary": "The archive search, each result as this reader may see it",
                        "description": "The search page's parameters. A story this reader may "
                        "not read is found by its full text but shows only its headline, "
                        "standfirst and lead (`matches_in_full_story`: the words matched only "
                        "later). Never uses the meter.",
                        "security": bearer,
                        "parameters": SEARCH_PARAMETERS,
                        "responses": {
                            "200": _answer("One page of results.", "SearchResults"),
                            "400": _error(
                                "An empty, over-long or contradictory query, an unknown "
                                "section, author or type, or a bad date; the message says which."
                            ),
                            "401": UNAUTHORIZED,
                        },
                    }
                },
                "/api/v1/openapi.json": {
                    "get": {
                        "operationId": "openapi",
                        "summary": "This document",
                        "security": [],
                        "responses": {
                            "200": {
                                "description": "OpenAPI 3.1.",
                                "content": {JSON: {"schema": {"type": "object"}}},
                            }
                        },
                    }
                },
            }
        ),
    }
