-- Content, addressed by its SHA-256 and stored once however many packages share it, in 1 MiB chunks.
CREATE TABLE blob (
    sha256      char(64)     PRIMARY KEY,
    size        bigint       NOT NULL CHECK (size >= 0),
    chunk_size  integer      NOT NULL CHECK (chunk_size > 0),
    created_at  timestamptz  NOT NULL DEFAULT now()
);
CREATE TABLE blob_chunk (
    sha256  char(64)  NOT NULL REFERENCES blob (sha256) ON DELETE CASCADE,
    seq     integer   NOT NULL CHECK (seq >= 0),
    data    bytea     NOT NULL,
    PRIMARY KEY (sha256, seq)
);
ALTER TABLE firmware ADD CONSTRAINT firmware_content FOREIGN KEY (sha256) REFERENCES blob (sha256);
CREATE INDEX firmware_by_content ON firmware (sha256);

-- Which plans use which package, learnt from plan-service's life-cycle events (never from its tables).
-- version: the plan's event sequence; an older event than the one applied is ignored.
CREATE TABLE plan_usage (
    plan_id      uuid         PRIMARY KEY,
    firmware_id  uuid         NOT NULL,
    status       varchar(16)  NOT NULL,
    in_use       boolean      NOT NULL,
    version      bigint       NOT NULL,
    updated_at   timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX plan_usage_in_use ON plan_usage (firmware_id) WHERE in_use;

-- Downloads by gateway: bytes served, requests, and downloads that reached the last byte.
CREATE TABLE download_stat (
    firmware_id  uuid         NOT NULL,
    gateway_id   varchar(64)  NOT NULL,
    bytes        bigint       NOT NULL DEFAULT 0,
    requests     bigint       NOT NULL DEFAULT 0,
    completed    bigint       NOT NULL DEFAULT 0,
    last_at      timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (firmware_id, gateway_id)
);

-- The verification run in progress (or the last one) and how it ended.
ALTER TABLE firmware
    ADD COLUMN verification_run_id   uuid,
    ADD COLUMN verification_deadline timestamptz,
    ADD COLUMN verification_detail   varchar(1000);
