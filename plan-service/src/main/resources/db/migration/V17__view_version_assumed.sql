-- A device_view version set by a SUCCEEDED report (plan-service's own assumption until device-gateway-service
-- says so) is marked: a state that arrives later with the old version may have been written before the
-- success, so only a version device-gateway-service reported can be "rolled back" from (issue #33).
ALTER TABLE device_view ADD COLUMN version_assumed boolean NOT NULL DEFAULT false;
