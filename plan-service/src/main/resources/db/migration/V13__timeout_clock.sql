-- When the timeout pass last ran (TaskSupervisor.timeOut). A pass that finds it long ago knows the platform
-- could not process for that long (its database away or read-only, every replica down) and moves the open
-- tasks' deadlines on by as much, so that no task times out because of an outage.
CREATE TABLE timeout_clock (
    id        integer      PRIMARY KEY CHECK (id = 1),
    last_pass timestamptz  NOT NULL
);
INSERT INTO timeout_clock VALUES (1, now());
