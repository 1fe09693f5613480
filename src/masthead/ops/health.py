"""Is this process fit to serve? The database answers, the cache answers, migrations applied."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def _database() -> Check:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return Check("database", ok=False, detail=f"{type(exc).__name__}: {exc}"[:300])
    return Check("database", ok=True, detail=connections[DEFAULT_DB_ALIAS].vendor)


def _cache() -> Check:
    key = f"readyz:{uuid.uuid4().hex}"
    cache = caches["default"]
    try:
        cache.set(key, "1", timeout=10)
        found = cache.get(key)
        cache.delete(key)
    except Exception as exc:
        return Check("cache", ok=False, detail=f"{type(exc).__name__}: {exc}"[:300])
    if found != "1":
        return Check("cache", ok=False, detail="a value written was not read back")
    return Check("cache", ok=True, detail=type(cache).__name__)


def _migrations() -> Check:
    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:
        return Check("migrations", ok=False, detail=f"{type(exc).__name__}: {exc}"[:300])
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in plan[:5])
        return Check(
            "migrations",
            ok=False,
            detail=f"{len(plan)} not applied ({names}); run masthead migrate",
        )
    return Check("migrations", ok=True, detail="all applied")


def readiness() -> list[Check]:
    database = _database()
    # Without a database there is no migration table to read.
    migrations = _migrations() if database.ok else Check("migrations", False, "no database")
    return [database, _cache(), migrations]
