"""Phrases found through an index of adjacent word pairs (PostgreSQL only; ADR 0021).

The ``document`` GIN index holds no positions, so for a quoted phrase of common words
(``"also treasury said"``) it can only offer every story holding all the words -- tens of
thousands at 100,000 stories -- each of which must then be read to check the words stand side
by side, to find the few dozen where they do. Each entry now also keeps ``pairs``: every two
lexemes at adjacent positions of its tsvector, hashed into one of 2**18 numbers, with a GIN
index. A phrase's pairs (``search_pairs`` of the phrase's own tsvector, folded to a constant
when the query is planned) narrow the candidates to the stories holding every pair of the
phrase, nearly all of which hold the phrase. ``document @@ phraseto_tsquery(...)`` still
decides every match -- two pairs found apart, or a hash shared by two pairs, only add a
candidate it refuses -- so the results are exactly those of the tsvector alone.

Why a column and not an index on the expression: the planner may combine the two GIN indexes
and recheck each candidate's conditions, and working the pairs out again from a 5 KB tsvector
costs milliseconds a row; the stored array is read instead (it lives in TOAST, off the row that
the other searches read).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

FORWARD = [
    # Lexeme pairs at positions p and p + 1 of the tsvector, as positions are numbered by
    # to_tsvector and phraseto_tsquery alike (a stop word leaves a gap, so no pair spans one,
    # just as no <-> of a phrase does). Hashed into 2**18 buckets: an index of a few hundred
    # thousand well-filled keys instead of one key for every pair ever written; a shared
    # bucket only adds candidates. IMMUTABLE so that the phrase's pairs are worked out once,
    # when the query is planned, and the index can be used.
    """
    CREATE FUNCTION search_pairs(document tsvector) RETURNS integer[]
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
    DECLARE
      word_at text[];
      lexeme record;
      p integer;
      pairs integer[] := '{}';
    BEGIN
      FOR lexeme IN SELECT t.lexeme, t.positions FROM unnest(document) AS t LOOP
        IF lexeme.positions IS NOT NULL THEN
          FOREACH p IN ARRAY lexeme.positions LOOP
            word_at[p] := lexeme.lexeme;
          END LOOP;
        END IF;
      END LOOP;
      IF word_at IS NULL THEN
        RETURN pairs;
      END IF;
      FOR p IN array_lower(word_at, 1) .. array_upper(word_at, 1) - 1 LOOP
        IF word_at[p] IS NOT NULL AND word_at[p + 1] IS NOT NULL THEN
          pairs := array_append(pairs, hashtext(word_at[p] || ' ' || word_at[p + 1]) & 262143);
        END IF;
      END LOOP;
      RETURN pairs;
    END $$
    """,
    # Out of line: only a phrase search reads it, and the row stays as small as it was.
    "ALTER TABLE search_entry ADD COLUMN pairs integer[]",
    "ALTER TABLE search_entry ALTER COLUMN pairs SET STORAGE EXTERNAL",
    # After search_entry_b_document (BEFORE triggers run in name order), which makes the
    # tsvector.
    """
    CREATE FUNCTION search_entry_pairs() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.pairs := search_pairs(NEW.document);
      RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER search_entry_c_pairs BEFORE INSERT ON search_entry
    FOR EACH ROW EXECUTE FUNCTION search_entry_pairs()
    """,
    "UPDATE search_entry SET pairs = search_pairs(document)",
    # As migration 0003 leaves the document index: no pending list.
    "CREATE INDEX search_entry_pairs_idx ON search_entry USING gin (pairs) "
    "WITH (fastupdate = off)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS search_entry_pairs_idx",
    "DROP TRIGGER IF EXISTS search_entry_c_pairs ON search_entry",
    "DROP FUNCTION IF EXISTS search_entry_pairs()",
    "ALTER TABLE search_entry DROP COLUMN IF EXISTS pairs",
    "DROP FUNCTION IF EXISTS search_pairs(tsvector)",
]


def _run(statements: list[str]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return  # FTS5 keeps positions in its index: a phrase is decided there
        with schema_editor.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0003_gin_index_without_pending_list")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
