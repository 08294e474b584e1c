-- A plan may use several packages (a full one and deltas by source version): each is in use while the
-- plan is, and cannot be deleted meanwhile. firmware_id stays the plan's main package.
ALTER TABLE plan_usage ADD COLUMN firmware_ids uuid[] NOT NULL DEFAULT '{}';
UPDATE plan_usage SET firmware_ids = ARRAY[firmware_id];
