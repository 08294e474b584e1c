-- Device attributes (issue #34; REST API "Fleet targeting"): a hardware revision, reported by the gateway or
-- set by an operator (the last writer wins, and the row says which and when), and tags (string -> string,
-- at most 32, set only through REST) in a form a GIN index serves for containment (tags @> '{"k":"v"}').
ALTER TABLE device ADD COLUMN hardware_revision varchar(32);
ALTER TABLE device ADD COLUMN hardware_revision_source varchar(8)
    CHECK (hardware_revision_source IN ('REPORTED', 'OPERATOR'));
ALTER TABLE device ADD COLUMN hardware_revision_at timestamptz;
ALTER TABLE device ADD COLUMN tags jsonb NOT NULL DEFAULT '{}'::jsonb;
CREATE INDEX device_tags ON device USING gin (tags jsonb_path_ops);
CREATE INDEX device_by_revision ON device (product_key, hardware_revision);

-- Gateways that reported a revision before: their device rows take it.
UPDATE device d SET hardware_revision = g.hardware_revision, hardware_revision_source = 'REPORTED',
    hardware_revision_at = g.last_seen_at
  FROM gateway g WHERE g.gateway_id = d.device_key AND g.hardware_revision IS NOT NULL
    AND EXISTS (SELECT 1 FROM product p WHERE p.product_key = d.product_key AND p.node_type = 'GATEWAY');

-- Change counter of device attributes (device.attributes events): consumers keep the highest per device.
CREATE SEQUENCE device_attribute_seq;

-- A hold (lab units, devices under a customer dispute): no plan touches a held device, nor the sub-devices of a
-- held gateway, until it is released; who put it and why are kept with it.
ALTER TABLE device ADD COLUMN hold_reason varchar(200);
ALTER TABLE device ADD COLUMN held_by varchar(200);
ALTER TABLE device ADD COLUMN held_at timestamptz;
