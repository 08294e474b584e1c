-- The registry (issue #18): products, every registered device (gateways and sub-devices), and the binding
-- of each sub-device to at most one gateway. A gateway speaks only for sub-devices bound to it.

CREATE TABLE product (
    product_key           varchar(64)   PRIMARY KEY,
    name                  varchar(100)  NOT NULL,
    node_type             varchar(16)   NOT NULL CHECK (node_type IN ('GATEWAY', 'SUB_DEVICE')),
    bind_policy           varchar(16)   NOT NULL CHECK (bind_policy IN ('SIGNED', 'FIRST_CLAIM')),
    dynamic_registration  boolean       NOT NULL DEFAULT false,
    -- the productSecret, sealed (AES-256-GCM with a key from the environment; see SecretVault)
    secret                bytea,
    secret_key_id         varchar(64),
    created_at            timestamptz   NOT NULL DEFAULT now(),
    updated_at            timestamptz   NOT NULL DEFAULT now()
);

-- Every registered device, of either node type; a gateway's deviceKey is its gatewayId.
CREATE TABLE device (
    product_key    varchar(64)   NOT NULL REFERENCES product (product_key),
    device_key     varchar(128)  NOT NULL,
    name           varchar(100),
    -- the deviceSecret, sealed as the product's; null for devices registered before secrets existed
    secret         bytea,
    secret_key_id  varchar(64),
    registered_at  timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (product_key, device_key)
);
CREATE INDEX device_by_secret_key ON device (secret_key_id);
CREATE INDEX device_by_name ON device (product_key, name);

-- sub_device now holds the state of a registered sub-device: gateway_id is the gateway it is BOUND to (null:
-- unbound), attached whether that gateway lists it in its current topology. A detached sub-device stays
-- bound; only an operator or a valid proof moves it.
ALTER TABLE sub_device ADD COLUMN attached boolean NOT NULL DEFAULT false;
ALTER TABLE sub_device ADD COLUMN bound_at timestamptz;
ALTER TABLE sub_device ALTER COLUMN version DROP NOT NULL;
ALTER TABLE sub_device ALTER COLUMN online SET DEFAULT false;
ALTER TABLE sub_device ALTER COLUMN last_seen_at DROP NOT NULL;
UPDATE sub_device SET attached = true, bound_at = now() WHERE gateway_id IS NOT NULL;

-- A registered gateway that never connected has a session row without a version.
ALTER TABLE gateway ALTER COLUMN version DROP NOT NULL;
ALTER TABLE gateway ALTER COLUMN last_seen_at DROP NOT NULL;

-- Existing installations: every sub-device the platform knows is registered to its product and stays bound
-- to the gateway it is attached to, so that upgrading a running platform does not cut off its fleet.
-- Products are made SUB_DEVICE with the SIGNED policy; gateways' products GATEWAY, with each gateway.
INSERT INTO product (product_key, name, node_type, bind_policy)
SELECT DISTINCT product_key, product_key, 'SUB_DEVICE', 'SIGNED' FROM sub_device;
INSERT INTO product (product_key, name, node_type, bind_policy)
SELECT DISTINCT product_key, product_key, 'GATEWAY', 'SIGNED' FROM gateway
WHERE product_key NOT IN (SELECT product_key FROM product);
INSERT INTO device (product_key, device_key) SELECT product_key, device_key FROM sub_device;
INSERT INTO device (product_key, device_key)
SELECT g.product_key, g.gateway_id FROM gateway g JOIN product p ON p.product_key = g.product_key
WHERE p.node_type = 'GATEWAY';

ALTER TABLE sub_device ADD CONSTRAINT sub_device_registered
    FOREIGN KEY (product_key, device_key) REFERENCES device (product_key, device_key) ON DELETE CASCADE;

-- Change counters of sub-devices come from one sequence: a sub-device deleted and registered again goes on
-- counting above what consumers saw of it.
CREATE SEQUENCE device_state_seq;
SELECT setval('device_state_seq', greatest(1, coalesce((SELECT max(seq) FROM sub_device), 0)));

-- A binding change ends the open tasks of the sub-device sent to another gateway (TaskStore.endWhereNotBound).
CREATE INDEX gateway_task_open_by_device ON gateway_task (product_key, device_key) WHERE state <> 'ENDED';
