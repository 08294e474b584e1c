-- Package compatibility (issue #34): the hardware revisions a package supports (empty: any) and whether a
-- device of unknown revision may receive a package that names revisions (ALLOW) or not (REFUSE).
ALTER TABLE firmware_view ADD COLUMN hardware_revisions varchar(32)[] NOT NULL DEFAULT '{}';
ALTER TABLE firmware_view ADD COLUMN unknown_hardware varchar(8) NOT NULL DEFAULT 'REFUSE';
