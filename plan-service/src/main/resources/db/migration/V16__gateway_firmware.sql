-- Gateway firmware (issue #33): gateways as devices of their GATEWAY products, their own tasks, and the
-- products' node types and version schemes, from device-gateway-service's events.

-- Products as device-gateway-service announces them (product.state); the highest seq wins.
CREATE TABLE product_view (
    product_key     varchar(64)  PRIMARY KEY,
    node_type       varchar(16)  NOT NULL,
    version_scheme  varchar(8)   NOT NULL,
    deleted         boolean      NOT NULL DEFAULT false,
    seq             bigint       NOT NULL,
    updated_at      timestamptz  NOT NULL DEFAULT now()
);

-- A gateway is a device of its product bound to itself; its row says so.
ALTER TABLE device_view ADD COLUMN is_gateway boolean NOT NULL DEFAULT false;

-- The gateway's own product and firmware as its last hello reported them; version_key orders SemVer versions
-- (SemanticVersion.sortKey; null when the version is not SemVer) for packages that need a minimum gateway.
ALTER TABLE gateway_view ADD COLUMN product_key varchar(64);
ALTER TABLE gateway_view ADD COLUMN version varchar(64);
ALTER TABLE gateway_view ADD COLUMN version_key bytea;

-- A task that upgrades a gateway itself: sent as down/gateway-upgrade, decided by the version that boots,
-- and never in flight beside a sub-device task of the same gateway.
ALTER TABLE upgrade_task ADD COLUMN gateway_firmware boolean NOT NULL DEFAULT false;

-- A sub-device package may need a newer gateway: its devices behind a gateway below it wait.
ALTER TABLE firmware_view ADD COLUMN min_gateway_version varchar(64);
