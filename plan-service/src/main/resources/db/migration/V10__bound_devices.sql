-- Sub-device binding (issue #18): device-gateway-service's events now name the gateway a sub-device is BOUND
-- to (null: bound to none, a tombstone kept so that an older event cannot bring it back), whether that
-- gateway lists it now, and its version (null until one is reported). Only bound sub-devices with a known
-- version are targeted, counted and pushed to.
ALTER TABLE device_view ALTER COLUMN version DROP NOT NULL;
ALTER TABLE device_view ADD COLUMN attached boolean NOT NULL DEFAULT true;
-- events written before binding existed named no gateway for a detached sub-device
UPDATE device_view SET attached = false WHERE gateway_id IS NULL;

-- The plan's targeted and up-to-date counts read only this index (PlanStats).
CREATE INDEX device_view_bound_by_product_version ON device_view (product_key, version) WHERE gateway_id IS NOT NULL;
DROP INDEX device_view_by_product_version;

-- A device's history across plans, newest first (GET /api/v1/devices/{productKey}/{deviceKey}/history).
CREATE INDEX upgrade_task_history ON upgrade_task (product_key, device_key, created_at DESC, id);
