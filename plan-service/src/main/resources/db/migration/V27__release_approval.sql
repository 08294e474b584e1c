-- Release approval (issue #35): a package that awaits a second person's approval has no signature yet; its
-- firmware.approved event brings it. No plan is activated with an unsigned package.
ALTER TABLE firmware_view ALTER COLUMN signature DROP NOT NULL;
ALTER TABLE firmware_view ALTER COLUMN key_id DROP NOT NULL;
