-- Articles, what they mention, how each fetch went, and every alert owed or sent.

CREATE TABLE articles (
    article_id    VARCHAR PRIMARY KEY,   -- hash of source, url and content
    source_id     VARCHAR NOT NULL,
    url           VARCHAR NOT NULL,      -- the story's own link, else file:// URL + '#n'
    title         VARCHAR NOT NULL,
    body          VARCHAR NOT NULL,
    category      VARCHAR,
    origins       STRUCT(name VARCHAR, url VARCHAR)[],
    published_at  TIMESTAMP,
    fetched_at    TIMESTAMPTZ NOT NULL,
    content_hash  VARCHAR NOT NULL,
    story_id      VARCHAR NOT NULL,      -- shared by near-duplicate articles of one story
    cycle_id      VARCHAR NOT NULL
);

-- MinHash signatures, so later cycles can tell a re-posted story from a new one.
CREATE TABLE article_signatures (
    article_id  VARCHAR PRIMARY KEY,
    story_id    VARCHAR NOT NULL,
    signature   UINTEGER[] NOT NULL,
    fetched_at  TIMESTAMPTZ NOT NULL
);

-- Offsets are character offsets into title || '\n\n' || body.
CREATE TABLE entity_mentions (
    article_id  VARCHAR NOT NULL,
    company_id  VARCHAR NOT NULL,
    company     VARCHAR NOT NULL,
    alias       VARCHAR NOT NULL,
    "start"     INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    sentence    VARCHAR NOT NULL,
    salience    VARCHAR NOT NULL,        -- title | lead | frequent | passing
    PRIMARY KEY (article_id, "start")
);

CREATE TABLE article_topics (
    article_id  VARCHAR NOT NULL,
    topic       VARCHAR NOT NULL,
    evidence    VARCHAR NOT NULL,
    PRIMARY KEY (article_id, topic)
);

-- Business events read from an article: funding, ipo, launch, partnership, policy,
-- executive_change, each with the sentence it came from.
CREATE TABLE article_events (
    article_id  VARCHAR NOT NULL,
    type        VARCHAR NOT NULL,
    company_id  VARCHAR NOT NULL,
    company     VARCHAR NOT NULL,
    details     JSON NOT NULL,           -- round, amount, currency, investors, exchange, stage, …
    evidence    VARCHAR NOT NULL,
    confidence  DOUBLE NOT NULL,
    PRIMARY KEY (article_id, type, company_id)
);

CREATE TABLE fetch_runs (
    cycle_id     VARCHAR NOT NULL,
    source_id    VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL,
    started_at   TIMESTAMPTZ NOT NULL,
    status       VARCHAR NOT NULL,       -- ok | failed
    items        INTEGER NOT NULL,       -- documents fetched
    stories      INTEGER NOT NULL,       -- stories split out of them
    new          INTEGER NOT NULL,       -- stories stored for the first time
    error        VARCHAR,
    elapsed_s    DOUBLE NOT NULL,
    PRIMARY KEY (cycle_id, source_id)
);

-- What a source learnt about a URL, for conditional requests and skipping unchanged files.
CREATE TABLE source_cursors (
    source_id      VARCHAR NOT NULL,
    url            VARCHAR NOT NULL,
    etag           VARCHAR,              -- HTTP ETag, or size-mtime for files
    last_modified  VARCHAR,
    updated_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source_id, url)
);

-- The message is rendered when the alert is queued, so what is owed is exactly what gets sent.
CREATE TABLE alert_deliveries (
    dedup_key        VARCHAR NOT NULL,   -- hash of rule, company and article (or source event)
    channel          VARCHAR NOT NULL,   -- masked channel label; never the secret URL
    kind             VARCHAR NOT NULL,   -- article | source_health
    rule             VARCHAR NOT NULL,
    company_id       VARCHAR,
    company          VARCHAR,
    article_id       VARCHAR,
    source_id        VARCHAR,
    title            VARCHAR NOT NULL,
    body             VARCHAR NOT NULL,
    status           VARCHAR NOT NULL,   -- pending | sent | failed
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_error       VARCHAR,
    created_at       TIMESTAMPTZ NOT NULL,
    last_attempt_at  TIMESTAMPTZ,
    sent_at          TIMESTAMPTZ,
    PRIMARY KEY (dedup_key, channel)
);

CREATE VIEW company_daily_mentions AS
SELECT
    m.company_id,
    m.company,
    CAST(coalesce(a.published_at, a.fetched_at) AS DATE) AS day,
    count(DISTINCT m.article_id) AS articles,
    count(*) AS mentions
FROM entity_mentions m
JOIN articles a USING (article_id)
GROUP BY ALL;
