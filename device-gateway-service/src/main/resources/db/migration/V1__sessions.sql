-- Gateway sessions and the sub-devices each gateway speaks for.
CREATE TABLE gateway (
    gateway_id    varchar(64)  PRIMARY KEY,
    product_key   varchar(64)  NOT NULL,
    version       varchar(64)  NOT NULL,
    online        boolean      NOT NULL,
    connected_at  timestamptz,
    last_seen_at  timestamptz  NOT NULL
);
CREATE INDEX gateway_by_online ON gateway (online, gateway_id);

-- A sub-device is attached to at most one gateway at a time; detached ones keep their last version.
CREATE TABLE sub_device (
    product_key   varchar(64)  NOT NULL,
    device_key    varchar(128) NOT NULL,
    gateway_id    varchar(64)  REFERENCES gateway (gateway_id),
    online        boolean      NOT NULL,
    version       varchar(64)  NOT NULL,
    last_seen_at  timestamptz  NOT NULL,
    PRIMARY KEY (product_key, device_key)
);
CREATE INDEX sub_device_by_gateway ON sub_device (gateway_id, product_key, device_key);
