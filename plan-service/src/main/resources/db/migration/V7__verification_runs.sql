-- A verification run of firmware-service is carried out as a plan over the test devices.
ALTER TABLE plan
    ADD COLUMN verification_run    varchar(64),
    ADD COLUMN verification_devices text;
CREATE INDEX plan_verification_runs ON plan (status) WHERE verification_run IS NOT NULL;
