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


# (alias, database name) pairs whose migrations this process has seen all applied. The plan
# costs ~0.2 s to build (every migration file loaded, the graph walked) and a process's own
# migrations cannot change under it: once all are applied the answer stays true until the
# next deploy starts new processes. An unapplied answer is never remembered, so a process
# started before `masthead migrate` turns ready as soon as the migrations land.
_all_applied: set[tuple[str, str]] = set()


def forget_applied_migrations() -> None:
    """Build the migration plan again on the next check (tests start each from scratch)."""
    _all_applied.clear()


def _migrations() -> Check:
    connection = connections[DEFAULT_DB_ALIAS]
    seen = (DEFAULT_DB_ALIAS, str(connection.settings_dict.get("NAME", "")))
    if seen in _all_applied:
        return Check("migrations", ok=True, detail="all applied")
    try:
        executor = MigrationExecutor(connection)
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
    _all_applied.add(seen)
    return Check("migrations", ok=True, detail="all applied")


def readiness() -> list[Check]:
    database = _database()
    # Without a database there is no migration table to read.
    migrations = _migrations() if database.ok else Check("migrations", False, "no database")
    return [database, _cache(), migrations]
