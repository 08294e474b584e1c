-- The timeout pass asks every second for the open tasks whose deadlines passed. Without these it read the
-- partial indexes of open tasks, which hold an entry for every state an open task went through until a
-- vacuum removes them (on a busy server, several times the tasks in flight); these are read by deadline,
-- so a pass reads only the tasks that are late.
CREATE INDEX upgrade_task_ack_deadline ON upgrade_task (ack_deadline) WHERE state = 'NOTIFIED';
CREATE INDEX upgrade_task_deadline ON upgrade_task (deadline)
    WHERE state IN ('PENDING', 'NOTIFIED', 'ACCEPTED', 'DOWNLOADING', 'DOWNLOADED', 'UPGRADING');
