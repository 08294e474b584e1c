-- One task per attempt to upgrade one sub-device under one plan.
CREATE TABLE upgrade_task (
    id             uuid           PRIMARY KEY,
    plan_id        uuid           NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    product_key    varchar(64)    NOT NULL,
    device_key     varchar(128)   NOT NULL,
    gateway_id     varchar(64)    NOT NULL,
    attempt        integer        NOT NULL,
    state          varchar(24)    NOT NULL,
    percent        integer,
    from_version   varchar(64)    NOT NULL,
    to_version     varchar(64)    NOT NULL,
    error_code     varchar(32),
    error_message  varchar(1024),
    ack_deadline   timestamptz,
    deadline       timestamptz,
    notified_at    timestamptz,
    created_at     timestamptz    NOT NULL DEFAULT now(),
    updated_at     timestamptz    NOT NULL DEFAULT now()
);
-- A sub-device has at most one open task, whatever the plan: two replicas can never push it twice.
CREATE UNIQUE INDEX upgrade_task_one_open_per_device ON upgrade_task (product_key, device_key)
    WHERE state IN ('AWAITING_CONFIRMATION', 'PENDING', 'NOTIFIED', 'ACCEPTED', 'DOWNLOADING', 'DOWNLOADED', 'UPGRADING');
CREATE INDEX upgrade_task_by_plan ON upgrade_task (plan_id, state);
CREATE INDEX upgrade_task_by_device ON upgrade_task (product_key, device_key, plan_id);
CREATE INDEX upgrade_task_in_flight ON upgrade_task (gateway_id)
    WHERE state IN ('NOTIFIED', 'ACCEPTED', 'DOWNLOADING', 'DOWNLOADED', 'UPGRADING');
CREATE INDEX upgrade_task_recent ON upgrade_task (plan_id, notified_at);

-- Every change of a task: its full history, append-only.
CREATE TABLE task_event (
    id             bigserial      PRIMARY KEY,
    task_id        uuid           NOT NULL REFERENCES upgrade_task (id) ON DELETE CASCADE,
    state          varchar(24)    NOT NULL,
    percent        integer,
    error_code     varchar(32),
    error_message  varchar(1024),
    at             timestamptz    NOT NULL DEFAULT now()
);
CREATE INDEX task_event_by_task ON task_event (task_id, id);
