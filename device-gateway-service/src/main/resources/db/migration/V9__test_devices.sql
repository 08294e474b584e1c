-- Test devices (issue #35): an operator marks the devices and gateways a package's verification may upgrade;
-- plan-service refuses a verification on any other. Who marked one and when are in the audit log.
ALTER TABLE device ADD COLUMN test_device boolean NOT NULL DEFAULT false;
