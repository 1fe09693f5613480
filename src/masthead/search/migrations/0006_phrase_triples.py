"""Phrases of three words or more also narrowed by their word triples (PostgreSQL only; ADR 0021).

Migration 0004's pairs leave one kind of phrase slow at 1,000,000 stories: three common words
(``"also government lower"``) whose two pairs are each common and stand together in some
17,000 stories, side by side in a few dozen. Every one of those candidates had to be read and
checked (300 ms). ``search_pairs`` now also gives every three lexemes at positions p, p + 1 and
p + 2, hashed into numbers of their own (2**18 and up, so a triple never shares a number with
a pair), into the same array and the same GIN index. A phrase's own array holds its triples
too, so ``e.pairs @> search_pairs(phrase)`` asks for both and GIN's scan is led by the rarest
key, nearly always a triple: the candidates are about the matches. ``document @@`` still decides
every match, as before.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

# search_pairs as migration 0004 made it, with room for the triples; {{ and }} are braces.
FUNCTION = """
    CREATE OR REPLACE FUNCTION search_pairs(document tsvector) RETURNS integer[]
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
    DECLARE
      word_at text[];
      lexeme record;
      p integer;
      pairs integer[] := '{{}}';
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
          -- The pair, in one of 2**18 numbers (0 to 262143).
          pairs := array_append(pairs, hashtext(word_at[p] || ' ' || word_at[p + 1]) & 262143);
          {triples}
        END IF;
      END LOOP;
      RETURN pairs;
    END $$
"""
# The triple, in one of 2**20 numbers after the pairs' (262144 to 1310719): there are many
# more distinct triples than pairs, and a shared number only adds candidates.
TRIPLES = """
          IF word_at[p + 2] IS NOT NULL THEN
            pairs := array_append(pairs, 262144 + (hashtext(
              word_at[p] || ' ' || word_at[p + 1] || ' ' || word_at[p + 2]) & 1048575));
          END IF;"""
PAIRS_AND_TRIPLES = FUNCTION.format(triples=TRIPLES)
PAIRS_ONLY = FUNCTION.format(triples="")

# Every entry's array again, in the same transaction: a phrase now asks for its triples, and
# an entry made before would offer none (its three-word phrases would go unfound). Rewriting
# an entry also writes it into both GIN indexes, so they are dropped and made again around
# the update, each in one pass (written entry by entry, 57 ms an entry at 1,000,000 stories;
# ADR 0021), as ``masthead search reindex`` does. Then the statistics the planner's estimate
# of a phrase reads (engines.PostgresEngine._pairs_are_common). The index table is held
# meanwhile: on a large archive, searches and publishes wait about as long as for a rebuild.
REFILL = [
    "DROP INDEX IF EXISTS search_entry_document_idx",
    "DROP INDEX IF EXISTS search_entry_pairs_idx",
    "UPDATE search_entry SET pairs = search_pairs(document)",
    "SET LOCAL maintenance_work_mem = '512MB'",
    "CREATE INDEX search_entry_document_idx ON search_entry USING gin (document) "
    "WITH (fastupdate = off)",
    "CREATE INDEX search_entry_pairs_idx ON search_entry USING gin (pairs) WITH (fastupdate = off)",
    "ANALYZE search_entry",
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
    dependencies = [("search", "0005_filters_newest_first")]

    operations = [
        migrations.RunPython(_run([PAIRS_AND_TRIPLES, *REFILL]), _run([PAIRS_ONLY, *REFILL]))
    ]
