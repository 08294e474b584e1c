-- Webhooks (issue #23): other systems subscribe to plan, wave and firmware events. An event becomes one
-- delivery per matching subscription in the transaction of the change that caused it (an outbox: nothing
-- is lost across restarts); the dispatcher sends each with an HMAC-SHA256 signature and retries with
-- exponential backoff for 24 h, and every attempt is kept.
CREATE TABLE webhook_subscription (
    id           uuid           PRIMARY KEY,
    url          varchar(2000)  NOT NULL,
    -- the shared secret the receiver checks signatures with; never returned by the API
    secret       varchar(200)   NOT NULL,
    -- empty: every event type
    event_types  text[]         NOT NULL,
    description  varchar(200),
    created_by   varchar(200),
    created_at   timestamptz    NOT NULL DEFAULT now()
);

CREATE TABLE webhook_delivery (
    id               uuid           PRIMARY KEY,
    subscription_id  uuid           NOT NULL REFERENCES webhook_subscription (id) ON DELETE CASCADE,
    event_id         uuid           NOT NULL,
    event_type       varchar(64)    NOT NULL,
    payload          text           NOT NULL,
    -- PENDING (due at next_attempt_at), DELIVERED, FAILED (gave up)
    state            varchar(16)    NOT NULL,
    attempts         integer        NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz    NOT NULL,
    created_at       timestamptz    NOT NULL DEFAULT now(),
    delivered_at     timestamptz,
    last_status      integer,
    last_error       varchar(1000)
);
CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at) WHERE state = 'PENDING';
CREATE INDEX webhook_delivery_by_subscription ON webhook_delivery (subscription_id, created_at);

CREATE TABLE webhook_attempt (
    id           bigserial      PRIMARY KEY,
    delivery_id  uuid           NOT NULL REFERENCES webhook_delivery (id) ON DELETE CASCADE,
    at           timestamptz    NOT NULL DEFAULT now(),
    status       integer,
    error        varchar(1000),
    millis       integer        NOT NULL
);
CREATE INDEX webhook_attempt_by_delivery ON webhook_attempt (delivery_id, id);
