-- The full definition of a plan (validated JSON), and a counter of its changes for plan.lifecycle events.
ALTER TABLE plan
    ADD COLUMN definition  text    NOT NULL DEFAULT '{}',
    ADD COLUMN version     bigint  NOT NULL DEFAULT 0;

-- Every status change of a plan, with time and reason: append-only.
CREATE TABLE plan_history (
    id           bigserial     PRIMARY KEY,
    plan_id      uuid          NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    from_status  varchar(12),
    to_status    varchar(12)   NOT NULL,
    reason       varchar(500)  NOT NULL,
    at           timestamptz   NOT NULL DEFAULT now()
);
CREATE INDEX plan_history_by_plan ON plan_history (plan_id, id);

-- plan-service's own view of firmware packages, from firmware-service's events (never its tables).
CREATE TABLE firmware_view (
    firmware_id     uuid          PRIMARY KEY,
    product_key     varchar(64)   NOT NULL,
    version         varchar(64)   NOT NULL,
    type            varchar(8)    NOT NULL,
    source_version  varchar(64),
    size            bigint        NOT NULL,
    sha256          char(64)      NOT NULL,
    signature       text          NOT NULL,
    key_id          varchar(64)   NOT NULL,
    verification    varchar(16)   NOT NULL,
    deleted         boolean       NOT NULL DEFAULT false,
    updated_at      timestamptz   NOT NULL DEFAULT now()
);
