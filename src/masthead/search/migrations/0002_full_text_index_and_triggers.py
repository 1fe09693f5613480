"""The full-text index on each engine, and the triggers that keep ``search_entry`` in step with
the newsroom's stories and the e-paper's pages (ADR 0021).

Both engines read the same two views, ``search_story_source`` and ``search_page_source``: what
a published story or a page of a published edition puts in the index. The triggers and
``masthead search reindex`` insert from those views, so there is one definition of an entry per
engine, and a publish, edit, unpublish or deletion through any code path (services, the back
office, a shell) reaches the index in the same transaction.

PostgreSQL: a ``tsvector`` column weighted headline (A) > standfirst (B) > body (D) in the
``masthead_search`` configuration (English stemming after ``unaccent``), a GIN index, and a
``search_word`` vocabulary with a trigram index for "did you mean".
SQLite: FTS5 external-content tables over ``search_entry``: ``search_fts`` (porter stemming,
diacritics removed) for matching and ranking, ``search_words`` (headlines and standfirsts, no
stemming, no positions) whose ``fts5vocab`` table ``search_word`` is the vocabulary.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

STORY_COLUMNS = (
    "kind, article_id, page_id, section_id, agency_id, access_level, published_at, "
    "headline, standfirst, body"
)
# Which of the story's columns change its entry (others, like modified_at, do not).
STORY_TRIGGER_COLUMNS = (
    "headline, standfirst, body, status, published_at, section_id, agency_id, access_level"
)

# --- PostgreSQL ---------------------------------------------------------------------------

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'masthead_search') THEN
        CREATE TEXT SEARCH CONFIGURATION masthead_search (COPY = english);
        ALTER TEXT SEARCH CONFIGURATION masthead_search
          ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
      END IF;
    END $$
    """,
    # Stored bodies are blocks of sanitised inline HTML (newsroom.blocks): tags and the
    # entities nh3 writes are taken out.
    r"""
    CREATE FUNCTION search_plain(value text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
      SELECT replace(replace(replace(replace(replace(
        regexp_replace(coalesce(value, ''), '<[^>]*>', ' ', 'g'),
        '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&#39;', ''''), '&amp;', '&')
    $$
    """,
    """
    CREATE VIEW search_story_source AS
    SELECT 'story'::varchar AS kind, a.id AS article_id, NULL::bigint AS page_id,
           a.section_id, a.agency_id, a.access_level, a.published_at,
           a.headline::text AS headline, a.standfirst::text AS standfirst,
           coalesce((
             SELECT string_agg(search_plain(concat_ws(' ', b->>'html', b->>'text',
                               b->>'attribution', b->>'caption')), E'\\n' ORDER BY n)
             FROM jsonb_array_elements(
               CASE WHEN jsonb_typeof(a.body) = 'array' THEN a.body ELSE '[]'::jsonb END
             ) WITH ORDINALITY AS blocks(b, n)
           ), '') AS body
    FROM newsroom_article a
    WHERE a.status = 'published' AND a.published_at IS NOT NULL
    """,
    """
    CREATE VIEW search_page_source AS
    SELECT 'epaper_page'::varchar AS kind, NULL::bigint AS article_id, p.id AS page_id,
           NULL::bigint AS section_id, NULL::bigint AS agency_id, ''::varchar AS access_level,
           (e.date + time '12:00') AT TIME ZONE 'UTC' AS published_at,
           e.name || ' edition, page ' || p.number AS headline, ''::text AS standfirst,
           p.text AS body, e.id AS edition_id
    FROM epaper_editionpage p JOIN epaper_edition e ON e.id = p.edition_id
    WHERE e.status = 'ready'
    """,
    "ALTER TABLE search_entry ADD COLUMN document tsvector",
    # Kept in the row, not in TOAST: a match is checked against each candidate's tsvector, and
    # fetching it from TOAST costs more than the check; with the vectors in the table its size
    # also tells the planner what a sequential scan really costs (it then takes the GIN index).
    "ALTER TABLE search_entry ALTER COLUMN document SET STORAGE MAIN",
    "CREATE INDEX search_entry_document_idx ON search_entry USING gin (document)",
    "CREATE TABLE search_word (word text PRIMARY KEY)",
    "CREATE INDEX search_word_trigram_idx ON search_word USING gin (word gin_trgm_ops)",
    # Entries are only ever inserted (a change is a delete and an insert). BEFORE triggers run
    # in name order: the words are taken (a), then the tsvector is made and the body dropped (b) -- on PostgreSQL the tsvector is the index, and the story's text is
    # read from the story itself, so keeping a second copy of every body would only cost space.
    # The vocabulary is the words of headlines and standfirsts (a body's words are mostly
    # there too across an archive, and reading every body would make a rebuild crawl). It only
    # grows: a suggestion is made only when its search finds something.
    """
    CREATE FUNCTION search_entry_words() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      -- A rebuild (services.reindex) fills the vocabulary in one statement at the end.
      IF current_setting('masthead.search_rebuild', true) = 'on' THEN
        RETURN NEW;
      END IF;
      INSERT INTO search_word (word)
      SELECT DISTINCT w FROM regexp_split_to_table(
        lower(unaccent(NEW.headline || ' ' || NEW.standfirst)),
        '[^[:alnum:]]+') AS w
      WHERE length(w) BETWEEN 3 AND 40
      ORDER BY w
      ON CONFLICT DO NOTHING;
      RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER search_entry_a_words BEFORE INSERT ON search_entry
    FOR EACH ROW EXECUTE FUNCTION search_entry_words()
    """,
    """
    CREATE FUNCTION search_entry_document() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.document :=
        setweight(to_tsvector('masthead_search', coalesce(NEW.headline, '')), 'A') ||
        setweight(to_tsvector('masthead_search', coalesce(NEW.standfirst, '')), 'B') ||
        setweight(to_tsvector('masthead_search', coalesce(NEW.body, '')), 'D');
      NEW.body := '';
      RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER search_entry_b_document BEFORE INSERT ON search_entry
    FOR EACH ROW EXECUTE FUNCTION search_entry_document()
    """,
    f"""
    CREATE FUNCTION search_sync_story() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP <> 'INSERT' THEN
        DELETE FROM search_entry WHERE article_id = OLD.id;
      END IF;
      IF TG_OP <> 'DELETE' THEN
        INSERT INTO search_entry ({STORY_COLUMNS})
        SELECT {STORY_COLUMNS} FROM search_story_source WHERE article_id = NEW.id;
      END IF;
      RETURN NULL;
    END $$
    """,
    f"""
    CREATE TRIGGER search_sync_story
    AFTER INSERT OR DELETE OR UPDATE OF {STORY_TRIGGER_COLUMNS} ON newsroom_article
    FOR EACH ROW EXECUTE FUNCTION search_sync_story()
    """,
    f"""
    CREATE FUNCTION search_sync_page() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP <> 'INSERT' THEN
        DELETE FROM search_entry WHERE page_id = OLD.id;
      END IF;
      IF TG_OP <> 'DELETE' THEN
        INSERT INTO search_entry ({STORY_COLUMNS})
        SELECT {STORY_COLUMNS} FROM search_page_source WHERE page_id = NEW.id;
      END IF;
      RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER search_sync_page
    AFTER INSERT OR DELETE OR UPDATE OF text, number, edition_id ON epaper_editionpage
    FOR EACH ROW EXECUTE FUNCTION search_sync_page()
    """,
    f"""
    CREATE FUNCTION search_sync_edition() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP <> 'INSERT' THEN
        DELETE FROM search_entry WHERE page_id IN
          (SELECT id FROM epaper_editionpage WHERE edition_id = OLD.id);
      END IF;
      IF TG_OP <> 'DELETE' THEN
        INSERT INTO search_entry ({STORY_COLUMNS})
        SELECT {STORY_COLUMNS} FROM search_page_source WHERE edition_id = NEW.id;
      END IF;
      RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER search_sync_edition
    AFTER INSERT OR DELETE OR UPDATE OF status, name, date ON epaper_edition
    FOR EACH ROW EXECUTE FUNCTION search_sync_edition()
    """,
]

POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_sync_edition ON epaper_edition",
    "DROP TRIGGER IF EXISTS search_sync_page ON epaper_editionpage",
    "DROP TRIGGER IF EXISTS search_sync_story ON newsroom_article",
    "DROP FUNCTION IF EXISTS search_sync_edition()",
    "DROP FUNCTION IF EXISTS search_sync_page()",
    "DROP FUNCTION IF EXISTS search_sync_story()",
    "DROP TRIGGER IF EXISTS search_entry_a_words ON search_entry",
    "DROP TRIGGER IF EXISTS search_entry_b_document ON search_entry",
    "DROP FUNCTION IF EXISTS search_entry_words()",
    "DROP FUNCTION IF EXISTS search_entry_document()",
    "DROP TABLE IF EXISTS search_word",
    "DROP INDEX IF EXISTS search_entry_document_idx",
    "ALTER TABLE search_entry DROP COLUMN IF EXISTS document",
    "DROP VIEW IF EXISTS search_page_source",
    "DROP VIEW IF EXISTS search_story_source",
    "DROP FUNCTION IF EXISTS search_plain(text)",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS masthead_search",
]

# --- SQLite -------------------------------------------------------------------------------

# SQLite has no regular-expression replace in plain SQL (and a trigger must not depend on a
# function only Django's connections define), so the markup nh3 can leave in a stored body
# (newsroom.blocks' allow-list) is taken out tag by tag. A link's address and an abbreviation's
# title stay in the indexed text (on PostgreSQL they do not): see ADR 0021.
_SQLITE_STRIPPED = [
    '" rel="noopener noreferrer">',
    '<a href="',
    '<abbr title="',
    '">',
    "</a>",
    "<em>",
    "</em>",
    "<strong>",
    "</strong>",
    "<i>",
    "</i>",
    "<b>",
    "</b>",
    "<br>",
    "<sup>",
    "</sup>",
    "<sub>",
    "</sub>",
    "<abbr>",
    "</abbr>",
]
_SQLITE_ENTITIES = [("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#39;", "'"), ("&amp;", "&")]


def _replaced(expression: str, pairs: list[tuple[str, str]]) -> str:
    for old, new in pairs:
        quoted = new.replace("'", "''")
        expression = f"replace({expression}, '{old}', '{quoted}')"
    return expression


def _sqlite_body(body: str) -> str:
    """The blocks' text, one line each, markup removed: the replacements are spread over nested
    subqueries, five a level (one deep expression overflows SQLite's parser stack)."""
    pairs = [(tag, " ") for tag in _SQLITE_STRIPPED] + _SQLITE_ENTITIES
    text = " || ' ' || ".join(
        f"coalesce(json_extract(b.value, '$.{key}'), '')"
        for key in ("html", "text", "attribution", "caption")
    )
    sql = (
        f"SELECT b.key AS n, {text} AS t FROM json_each(CASE WHEN json_valid({body}) AND "
        f"json_type({body}) = 'array' THEN {body} ELSE '[]' END) AS b"
    )
    for level, start in enumerate(range(0, len(pairs), 5)):
        sql = f"SELECT n, {_replaced('t', pairs[start : start + 5])} AS t FROM ({sql}) AS s{level}"
    return f"SELECT group_concat(t, char(10)) FROM ({sql} ORDER BY n)"


# On SQLite an entry's id is its publication time (seconds since 1970, times a million) plus
# the first number free in its range of that second (see the views' sort_key), so FTS5's rowid order is newest-first order: "newest"
# and the relevance window read the full-text index backwards and stop, instead of sorting
# every match of a common word (services.reindex gives ids the same way).
SQLITE_ENTRY_ID = (
    "coalesce((SELECT max(x.id) + 1 FROM search_entry x "
    "WHERE x.id >= s.sort_key AND x.id < s.sort_key + 1000), s.sort_key)"
)

SQLITE_FORWARD = [
    f"""
    CREATE VIEW search_story_source AS
    SELECT 'story' AS kind, a.id AS article_id, NULL AS page_id,
           a.section_id, a.agency_id, a.access_level, a.published_at,
           a.headline, a.standfirst,
           coalesce((
             {_sqlite_body("a.body")}
           ), '') AS body,
           -- A thousand ranges a second (by story id), each with room for a thousand.
           CAST(strftime('%s', a.published_at) AS INTEGER) * 1000000
             + (a.id % 1000) * 1000 AS sort_key
    FROM newsroom_article a
    WHERE a.status = 'published' AND a.published_at IS NOT NULL
    """,
    """
    CREATE VIEW search_page_source AS
    SELECT 'epaper_page' AS kind, NULL AS article_id, p.id AS page_id,
           NULL AS section_id, NULL AS agency_id, '' AS access_level,
           e.date || ' 12:00:00' AS published_at,
           e.name || ' edition, page ' || p.number AS headline, '' AS standfirst,
           p.text AS body, e.id AS edition_id,
           -- Pages of one edition are added by one statement: each number has its own range.
           CAST(strftime('%s', e.date || ' 12:00:00') AS INTEGER) * 1000000
             + p.number * 1000 AS sort_key
    FROM epaper_editionpage p JOIN epaper_edition e ON e.id = p.edition_id
    WHERE e.status = 'ready'
    """,
    """
    CREATE VIRTUAL TABLE search_fts USING fts5(
      headline, standfirst, body, content='search_entry', content_rowid='id',
      tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE VIRTUAL TABLE search_words USING fts5(
      headline, standfirst, content='search_entry', content_rowid='id',
      tokenize='unicode61 remove_diacritics 2', detail='none'
    )
    """,
    "CREATE VIRTUAL TABLE search_word USING fts5vocab(search_words, row)",
    """
    CREATE TRIGGER search_entry_inserted AFTER INSERT ON search_entry BEGIN
      INSERT INTO search_fts (rowid, headline, standfirst, body)
        VALUES (new.id, new.headline, new.standfirst, new.body);
      INSERT INTO search_words (rowid, headline, standfirst)
        VALUES (new.id, new.headline, new.standfirst);
    END
    """,
    """
    CREATE TRIGGER search_entry_deleted AFTER DELETE ON search_entry BEGIN
      INSERT INTO search_fts (search_fts, rowid, headline, standfirst, body)
        VALUES ('delete', old.id, old.headline, old.standfirst, old.body);
      INSERT INTO search_words (search_words, rowid, headline, standfirst)
        VALUES ('delete', old.id, old.headline, old.standfirst);
    END
    """,
    """
    CREATE TRIGGER search_entry_updated AFTER UPDATE ON search_entry BEGIN
      INSERT INTO search_fts (search_fts, rowid, headline, standfirst, body)
        VALUES ('delete', old.id, old.headline, old.standfirst, old.body);
      INSERT INTO search_words (search_words, rowid, headline, standfirst)
        VALUES ('delete', old.id, old.headline, old.standfirst);
      INSERT INTO search_fts (rowid, headline, standfirst, body)
        VALUES (new.id, new.headline, new.standfirst, new.body);
      INSERT INTO search_words (rowid, headline, standfirst)
        VALUES (new.id, new.headline, new.standfirst);
    END
    """,
    f"""
    CREATE TRIGGER search_story_inserted AFTER INSERT ON newsroom_article BEGIN
      INSERT INTO search_entry (id, {STORY_COLUMNS})
      SELECT {SQLITE_ENTRY_ID}, {STORY_COLUMNS} FROM search_story_source s
      WHERE article_id = new.id;
    END
    """,
    f"""
    CREATE TRIGGER search_story_updated AFTER UPDATE OF {STORY_TRIGGER_COLUMNS}
    ON newsroom_article BEGIN
      DELETE FROM search_entry WHERE article_id = old.id;
      INSERT INTO search_entry (id, {STORY_COLUMNS})
      SELECT {SQLITE_ENTRY_ID}, {STORY_COLUMNS} FROM search_story_source s
      WHERE article_id = new.id;
    END
    """,
    """
    CREATE TRIGGER search_story_deleted AFTER DELETE ON newsroom_article BEGIN
      DELETE FROM search_entry WHERE article_id = old.id;
    END
    """,
    f"""
    CREATE TRIGGER search_page_inserted AFTER INSERT ON epaper_editionpage BEGIN
      INSERT INTO search_entry (id, {STORY_COLUMNS})
      SELECT {SQLITE_ENTRY_ID}, {STORY_COLUMNS} FROM search_page_source s
      WHERE page_id = new.id;
    END
    """,
    f"""
    CREATE TRIGGER search_page_updated AFTER UPDATE OF text, number, edition_id
    ON epaper_editionpage BEGIN
      DELETE FROM search_entry WHERE page_id = old.id;
      INSERT INTO search_entry (id, {STORY_COLUMNS})
      SELECT {SQLITE_ENTRY_ID}, {STORY_COLUMNS} FROM search_page_source s
      WHERE page_id = new.id;
    END
    """,
    """
    CREATE TRIGGER search_page_deleted AFTER DELETE ON epaper_editionpage BEGIN
      DELETE FROM search_entry WHERE page_id = old.id;
    END
    """,
    f"""
    CREATE TRIGGER search_edition_updated AFTER UPDATE OF status, name, date
    ON epaper_edition BEGIN
      DELETE FROM search_entry WHERE page_id IN
        (SELECT id FROM epaper_editionpage WHERE edition_id = old.id);
      INSERT INTO search_entry (id, {STORY_COLUMNS})
      SELECT {SQLITE_ENTRY_ID}, {STORY_COLUMNS} FROM search_page_source s
      WHERE edition_id = new.id;
    END
    """,
    """
    CREATE TRIGGER search_edition_deleted AFTER DELETE ON epaper_edition BEGIN
      DELETE FROM search_entry WHERE page_id IN
        (SELECT id FROM epaper_editionpage WHERE edition_id = old.id);
    END
    """,
]

SQLITE_BACKWARD = [
    *(
        f"DROP TRIGGER IF EXISTS {name}"
        for name in (
            "search_edition_deleted",
            "search_edition_updated",
            "search_page_deleted",
            "search_page_updated",
            "search_page_inserted",
            "search_story_deleted",
            "search_story_updated",
            "search_story_inserted",
            "search_entry_updated",
            "search_entry_deleted",
            "search_entry_inserted",
        )
    ),
    "DROP TABLE IF EXISTS search_word",
    "DROP TABLE IF EXISTS search_words",
    "DROP TABLE IF EXISTS search_fts",
    "DROP VIEW IF EXISTS search_page_source",
    "DROP VIEW IF EXISTS search_story_source",
]


def _run(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        vendor = schema_editor.connection.vendor
        if vendor not in statements:
            raise RuntimeError(f"Archive search supports PostgreSQL and SQLite, not {vendor}.")
        with schema_editor.connection.cursor() as cursor:
            for statement in statements[vendor]:
                cursor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
        ("newsroom", "0002_premium_selection_and_market_vertical"),
        ("epaper", "0002_edition_render_lease"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
