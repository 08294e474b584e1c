-- Shared by every service (location db/common): the transactional outbox and the consumer inbox.

-- Messages a state change causes, committed in the same transaction, published afterwards.
CREATE TABLE outbox_message (
    id            uuid          PRIMARY KEY,
    topic         varchar(300)  NOT NULL,
    payload       bytea         NOT NULL,
    created_at    timestamptz   NOT NULL DEFAULT now(),
    published_at  timestamptz
);
CREATE INDEX outbox_unpublished ON outbox_message (created_at, id) WHERE published_at IS NULL;

-- Ids of internal messages already applied: a redelivered message has no second effect.
CREATE TABLE inbox_message (
    id           uuid         PRIMARY KEY,
    received_at  timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX inbox_by_time ON inbox_message (received_at);
