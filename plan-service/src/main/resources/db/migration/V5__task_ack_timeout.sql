-- Kept per task so that the ack deadline can restart when the gateway comes back online.
ALTER TABLE upgrade_task ADD COLUMN ack_timeout_seconds integer NOT NULL DEFAULT 300;
