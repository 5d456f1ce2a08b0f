-- Every (source, URL) that carried a stored story, text that may be mis-decoded, and how many
-- items of a source failed in a cycle.

-- One row per source and URL that carried an article, the first carrier's included: a story
-- re-posted by a second source keeps that source here, and the URL is not downloaded again.
CREATE TABLE article_sightings (
    source_id      VARCHAR NOT NULL,
    url            VARCHAR NOT NULL,
    article_id     VARCHAR NOT NULL,     -- the stored article it is (or repeats)
    first_seen_at  TIMESTAMPTZ NOT NULL,
    cycle_id       VARCHAR NOT NULL,
    PRIMARY KEY (source_id, url)
);

INSERT INTO article_sightings
SELECT source_id, url, arg_min(article_id, fetched_at), min(fetched_at), arg_min(cycle_id, fetched_at)
FROM articles GROUP BY source_id, url;

-- Why the text looks mis-decoded (mojibake signals), or NULL. A flagged article is replaced
-- when a later fetch of its URL decodes cleanly.
ALTER TABLE articles ADD COLUMN text_issue VARCHAR;

-- Items of the source that failed this cycle (timeouts, unreadable entries); status is
-- 'partial' when some did and others were stored.
ALTER TABLE fetch_runs ADD COLUMN failed_items INTEGER DEFAULT 0;
