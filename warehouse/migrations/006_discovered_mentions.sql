-- Organisation names an article gives that the catalog does not have (…资本, …科技有限公司,
-- 由…领投, … Capital): counted across the warehouse and offered for the catalog by
-- `newsmon catalog suggest --from-warehouse`; they never raise an alert.
CREATE TABLE discovered_mentions (
    article_id  VARCHAR NOT NULL,
    name        VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,    -- investor | university | company (a guess from the name)
    pattern     VARCHAR NOT NULL,    -- suffix | role | english: how it was found
    "start"     INTEGER NOT NULL,    -- offsets into title || '\n\n' || body
    "end"       INTEGER NOT NULL,
    PRIMARY KEY (article_id, "start")
);
