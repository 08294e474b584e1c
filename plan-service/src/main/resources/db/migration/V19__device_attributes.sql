-- Devices' targeting attributes as device-gateway-service announces them (device.attributes, issue #34): the
-- hardware revision and the tags; the highest seq per device wins. A table of its own: attributes change
-- rarely, the device view's states often.
CREATE TABLE device_attributes_view (
    product_key        varchar(64)   NOT NULL,
    device_key         varchar(128)  NOT NULL,
    hardware_revision  varchar(32),
    tags               jsonb         NOT NULL DEFAULT '{}'::jsonb,
    seq                bigint        NOT NULL,
    updated_at         timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (product_key, device_key)
);
CREATE INDEX device_attributes_tags ON device_attributes_view USING gin (tags jsonb_path_ops);
CREATE INDEX device_attributes_revision ON device_attributes_view (product_key, hardware_revision);
