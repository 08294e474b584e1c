-- Package compatibility (issue #34; REST API "Firmware compatibility"): the hardware revisions a package
-- supports (comma-separated; null or empty: any; a revision is [A-Za-z0-9._-]{1,32}, so no comma) and whether a
-- device whose revision is unknown may receive a package that names revisions (ALLOW) or not (REFUSE, default).
ALTER TABLE firmware ADD COLUMN hardware_revisions varchar(4096);
ALTER TABLE firmware ADD COLUMN unknown_hardware varchar(8) NOT NULL DEFAULT 'REFUSE'
    CHECK (unknown_hardware IN ('ALLOW', 'REFUSE'));
