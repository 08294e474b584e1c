-- Holds (issue #34): a device on hold, or a sub-device behind a gateway on hold, is touched by no plan until
-- released; the reason as device-gateway-service announces it (device.attributes), null when not held.
ALTER TABLE device_attributes_view ADD COLUMN hold_reason varchar(200);
