-- Fleet targeting at scale (issue #34): the attributes a filter and the preview read, copied onto each device's
-- row of device_view, so that counting a million devices is one scan of one table (with the join to
-- device_attributes_view it took ~3 s on these machines; without it ~0.5 s). device_attributes_view stays the
-- record of device.attributes (its seq decides); these columns follow it in the same transactions: an
-- attributes entry updates the device's row, and a device's row takes them from it whenever it is written.
ALTER TABLE device_view ADD COLUMN hardware_revision varchar(32);
ALTER TABLE device_view ADD COLUMN tags jsonb NOT NULL DEFAULT '{}'::jsonb;
ALTER TABLE device_view ADD COLUMN hold_reason varchar(200);
UPDATE device_view d SET hardware_revision = a.hardware_revision, tags = a.tags, hold_reason = a.hold_reason
  FROM device_attributes_view a WHERE a.product_key = d.product_key AND a.device_key = d.device_key;
CREATE INDEX device_view_tags ON device_view USING gin (tags jsonb_path_ops);
CREATE INDEX device_view_by_revision ON device_view (product_key, hardware_revision);
