-- Manual upgrades: a confirmed task may wait for the end user's appointment window.
ALTER TABLE upgrade_task
    ADD COLUMN not_before timestamptz,
    ADD COLUMN not_after  timestamptz;
