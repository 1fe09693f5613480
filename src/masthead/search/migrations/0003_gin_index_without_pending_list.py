"""The GIN index without its pending list (``fastupdate``).

With the pending list, new entries wait unsorted until a vacuum or 4 MB of them, and every
search reads the whole list besides the index; a newsroom publishes a few hundred stories a day,
so each publish paying for its own index update costs little, and searches never meet the list.
PostgreSQL only (SQLite's FTS5 has no such list).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def _alter(fastupdate: str) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"ALTER INDEX search_entry_document_idx SET (fastupdate = {fastupdate})")

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0002_full_text_index_and_triggers")]

    operations = [migrations.RunPython(_alter("off"), _alter("on"))]
