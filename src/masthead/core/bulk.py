"""Updating many rows, each to its own values, in one statement.

Django's ``bulk_update`` builds a ``CASE WHEN pk = … THEN …`` expression per row and field; for
a batch of a few hundred renewals that costs more Python than everything else in the batch.
``update_rows`` sends ``UPDATE t SET f = v.f FROM (VALUES (pk, f…), …) AS v WHERE t.pk = v.pk``
instead: the values are parameters, nothing is compiled per row. PostgreSQL and SQLite (3.33+)
both run it. ``values_table`` renders such a ``(VALUES …)`` for statements of one's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar, cast

from django.db import connections, router
from django.db.backends.utils import CursorDebugWrapper
from django.db.models import Field, Model

_CHUNK = 500
M = TypeVar("M", bound=Model)


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


def insert_rows(objs: Sequence[M], *, set_ids: bool = True) -> list[M]:
    """Insert new objects (all of one model) and set their primary keys, like ``bulk_create``
    without its options; returns them. On PostgreSQL the rows go in with ``COPY``, their ids
    taken first from the table's sequence in one query: ``bulk_create`` quotes every value of
    every row into the statement in Python, which for a batch of renewals' invoices cost more
    than the rest of the batch's inserts together. Elsewhere it is ``bulk_create``. A unique
    constraint broken by a row raises ``IntegrityError``, as ``bulk_create`` does; no signals.

    ``set_ids=False``: ids the caller never reads are left to the column's default (one query
    fewer on PostgreSQL) and may stay unset on the objects."""
    if not objs:
        return []
    model = type(objs[0])
    meta = model._meta
    alias = router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return list(model._default_manager.using(alias).bulk_create(objs))
    from psycopg import sql

    pk = meta.pk
    assert pk is not None
    without_pk = [obj for obj in objs if obj.pk is None]
    fields = [
        field
        for field in meta.concrete_fields
        if not getattr(field, "generated", False) and (set_ids or field is not pk or not without_pk)
    ]
    if not set_ids and without_pk and len(without_pk) != len(objs):
        raise ValueError("insert_rows(set_ids=False) takes objects all with ids or all without")
    with connection.cursor() as cursor:
        if without_pk and set_ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, pk.column, len(without_pk)],
            )
            for obj, (new_id,) in zip(without_pk, sorted(cursor.fetchall()), strict=True):
                obj.pk = new_id
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(meta.db_table),
            sql.SQL(", ").join(sql.Identifier(str(field.column)) for field in fields),
        )

        def copy_in(_sql: str, _params: Any, _many: bool, _context: Any) -> None:
            with connection.wrap_database_errors, cursor.cursor.copy(statement) as copy:
                for obj in objs:
                    obj._prepare_related_fields_for_save(operation_name="insert_rows")  # type: ignore[attr-defined]
                    copy.write_row(
                        [
                            field.get_db_prep_save(field.pre_save(obj, True), connection)
                            for field in fields
                        ]
                    )

        # Through the connection's execute wrappers and query log, as any statement: what
        # counts or times the queries (tests, the benchmark) sees the COPY too.
        text = statement.as_string(cursor.cursor)
        if isinstance(cursor, CursorDebugWrapper):
            with cursor.debug_sql(text):
                cursor._execute_with_wrappers(text, None, False, copy_in)
        else:
            cursor._execute_with_wrappers(text, None, False, copy_in)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = alias
    return list(objs)
