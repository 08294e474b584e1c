-- Change counters: consumers of device and gateway events keep the state with the highest seq.
ALTER TABLE sub_device ADD COLUMN seq bigint NOT NULL DEFAULT 0;
ALTER TABLE gateway ADD COLUMN seq bigint NOT NULL DEFAULT 0;

-- Uplink messages already applied, by (gatewayId, msgId): a duplicate within 24 h has no second effect.
CREATE TABLE uplink_seen (
    gateway_id  varchar(64)  NOT NULL,
    msg_id      varchar(64)  NOT NULL,
    seen_at     timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (gateway_id, msg_id)
);
CREATE INDEX uplink_seen_by_time ON uplink_seen (seen_at);

-- Upgrades sent to gateways: re-sent after the gateway's hello until acked, known until they end.
CREATE TABLE gateway_task (
    task_id     varchar(64)   PRIMARY KEY,
    gateway_id  varchar(64)   NOT NULL,
    product_key varchar(64)   NOT NULL,
    device_key  varchar(128)  NOT NULL,
    state       varchar(8)    NOT NULL CHECK (state IN ('SENT', 'ACKED', 'ENDED')),
    command     bytea         NOT NULL,
    sent_at     timestamptz   NOT NULL DEFAULT now(),
    updated_at  timestamptz   NOT NULL DEFAULT now()
);
CREATE INDEX gateway_task_open ON gateway_task (gateway_id, state) WHERE state <> 'ENDED';

-- A gateway may report its topology before its first hello reached this service; the session row then
-- follows with the hello, so the sub-device does not require it.
ALTER TABLE sub_device DROP CONSTRAINT sub_device_gateway_id_fkey;
