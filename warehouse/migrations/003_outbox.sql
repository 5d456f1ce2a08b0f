-- The alert outbox's states: pending → sent | retrying | dead. A failed send is retried after
-- a backoff (next_attempt_at); `failure_kind` says whether the channel was down (refused,
-- timeout, 5xx: the whole channel waits) or rejected this message (4xx: only it waits, and
-- goes dead sooner). Dead alerts stay visible and can be retried by hand.
ALTER TABLE alert_deliveries ADD COLUMN next_attempt_at TIMESTAMPTZ;
ALTER TABLE alert_deliveries ADD COLUMN failure_kind VARCHAR;  -- down | rejected
UPDATE alert_deliveries SET status = 'retrying', failure_kind = 'down' WHERE status = 'failed';
