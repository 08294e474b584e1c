-- A task's upgrade command is needed only while the gateway has not acked it (it is sent again after the
-- gateway's hello); from ACKED on it is dropped with the state change, so a task's row shrinks from about
-- 1.1 KB to its keys and state, and the update that moves it writes the small row.
ALTER TABLE gateway_task ALTER COLUMN command DROP NOT NULL;
UPDATE gateway_task SET command = NULL WHERE state <> 'SENT';
