-- An article alert's fields as JSON (`view`), so each channel kind renders its own form
-- (text, chat markdown, email HTML); and the message that carried a sent alert
-- (`message_id`): its own key, or the digest or summary it was folded into. A channel's
-- hourly cap counts messages, not alerts.
ALTER TABLE alert_deliveries ADD COLUMN view VARCHAR;
ALTER TABLE alert_deliveries ADD COLUMN message_id VARCHAR;
