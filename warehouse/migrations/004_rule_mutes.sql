-- `newsmon alerts mute RULE --for 2h`: until `until`, what the rule matches is recorded with
-- status 'muted' (visible in `alerts list`, never sent).
CREATE TABLE rule_mutes (
    rule   VARCHAR PRIMARY KEY,
    until  TIMESTAMPTZ NOT NULL
);
