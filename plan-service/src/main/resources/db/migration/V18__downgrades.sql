-- Downgrade protection (issue #33 item 6, #34 item 7): a device's version in SemVer order
-- (SemanticVersion.sortKey; an empty key when the version is not SemVer, null until computed: rows written
-- before this migration get theirs from VersionKeyBackfill at start-up). A plan of a SEMVER product never
-- sends its package to a device whose key is above the target's unless the plan allows downgrades.
ALTER TABLE device_view ADD COLUMN version_key bytea;
