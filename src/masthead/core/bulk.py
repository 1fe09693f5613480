"""Updating many rows, each to its own values, in one statement.

Django's ``bulk_update`` builds a ``CASE WHEN pk = … THEN …`` expression per row and field; for
a batch of a few hundred renewals that costs more Python than everything else in the batch.
``update_rows`` sends ``UPDATE t SET f = v.f FROM (VALUES (pk, f…), …) AS v WHERE t.pk = v.pk``
instead: the values are parameters, nothing is compiled per row. PostgreSQL and SQLite (3.33+)
both run it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django.db import connections, router
from django.db.models import Field, Model

_CHUNK = 500


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
    postgres = connection.vendor == "postgresql"

    def value(position: int) -> str:
        # VALUES columns are column1, column2, … on both databases. PostgreSQL types the
        # parameters as text, so cast each to its column's type; SQLite needs no cast.
        column = f"v.column{position + 1}"
        field = columns[position]
        return f"CAST({column} AS {field.db_type(connection)})" if postgres else column

    assignments = ", ".join(
        f"{quote(str(field.column))} = {value(position)}"
        for position, field in enumerate(columns)
        if position > 0
    )
    row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
    table = quote(meta.db_table)
    updated = 0
    with connection.cursor() as cursor:
        for start in range(0, len(objs), _CHUNK):
            chunk = objs[start : start + _CHUNK]
            params: list[Any] = []
            for obj in chunk:
                for field in columns:
                    params.append(field.get_db_prep_save(getattr(obj, field.attname), connection))
            sql = (
                f"UPDATE {table} SET {assignments} "  # noqa: S608 (names from the model)
                f"FROM (VALUES {', '.join([row_sql] * len(chunk))}) AS v "
                f"WHERE {table}.{quote(str(columns[0].column))} = {value(0)}"
            )
            cursor.execute(sql, params)
            updated += cursor.rowcount
    return updated
