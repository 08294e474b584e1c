-- plan-service's own view of sub-devices and gateways, from device-gateway-service's events.
-- seq: the source's change counter; a row keeps the state of the highest seq seen.
CREATE TABLE device_view (
    product_key  varchar(64)   NOT NULL,
    device_key   varchar(128)  NOT NULL,
    gateway_id   varchar(64),
    online       boolean       NOT NULL,
    version      varchar(64)   NOT NULL,
    seq          bigint        NOT NULL,
    updated_at   timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (product_key, device_key)
);
CREATE INDEX device_view_by_product_version ON device_view (product_key, version);
CREATE INDEX device_view_by_gateway ON device_view (gateway_id);

CREATE TABLE gateway_view (
    gateway_id  varchar(64)  PRIMARY KEY,
    online      boolean      NOT NULL,
    seq         bigint       NOT NULL,
    updated_at  timestamptz  NOT NULL DEFAULT now()
);
