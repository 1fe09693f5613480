"""Updating many rows, each to its own values, in one statement.

Django's ``bulk_update`` builds a ``CASE WHEN pk = … THEN …`` expression per row and field; for
a batch of a few hundred renewals that costs more Python than everything else in the batch.
``update_rows`` sends ``UPDATE t SET f = v.f FROM (VALUES (pk, f…), …) AS v WHERE t.pk = v.pk``
instead: the values are parameters, nothing is compiled per row. PostgreSQL and SQLite (3.33+)
both run it. ``values_table`` renders such a ``(VALUES …)`` for statements of one's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django.db import connections, router
from django.db.models import Field, Model

_CHUNK = 500


def values_table(
    *, fields: Sequence[Field[Any, Any]], rows: Sequence[Sequence[Any]], connection: Any
) -> tuple[str, list[str], list[Any]]:
    """``(VALUES (…), …)`` for ``rows`` (each a value per field, as the model holds it), the
    SQL naming each column (``v.column1`` …, typed as its field on PostgreSQL, which reads
    parameters as text), and the parameters, prepared for the database as the field saves."""
    postgres = connection.vendor == "postgresql"
    columns = [
        f"CAST(v.column{position + 1} AS {field.db_type(connection)})"
        if postgres
        else f"v.column{position + 1}"
        for position, field in enumerate(fields)
    ]
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    params: list[Any] = []
    for row in rows:
        for field, item in zip(fields, row, strict=True):
            params.append(field.get_db_prep_save(item, connection))
    return f"(VALUES {', '.join([row_sql] * len(rows))})", columns, params


def update_rows(objs: Sequence[Model], fields: Sequence[str]) -> int:
    """Write ``fields`` of each object (all of one model, all saved) to its row; returns the
    number of rows updated. No signals, no ``save()``: like ``QuerySet.update``."""
    if not objs:
        return 0
    model = type(objs[0])
    meta = model._meta
    alias = router.db_for_write(model)
    connection = connections[alias]
    quote = connection.ops.quote_name
    columns: list[Field[Any, Any]] = [meta.pk]
    columns += [cast(Field[Any, Any], meta.get_field(name)) for name in fields]
    table = quote(meta.db_table)
    updated = 0
    with connection.cursor() as cursor:
        for start in range(0, len(objs), _CHUNK):
            chunk = objs[start : start + _CHUNK]
            values, names, params = values_table(
                fields=columns,
                rows=[[getattr(obj, field.attname) for field in columns] for obj in chunk],
                connection=connection,
            )
            assignments = ", ".join(
                f"{quote(str(field.column))} = {name}"
                for field, name in zip(columns[1:], names[1:], strict=True)
            )
            sql = (
                f"UPDATE {table} SET {assignments} "  # noqa: S608 (names from the model)
                f"FROM {values} AS v WHERE {table}.{quote(str(columns[0].column))} = {names[0]}"
            )
            cursor.execute(sql, params)
            updated += cursor.rowcount
    return updated
