-- Test devices (issue #35): the mark device.attributes carries; a verification run starts only when every device
-- it names has it. Read by key for a run's at most 100 devices, so it stays on device_attributes_view.
ALTER TABLE device_attributes_view ADD COLUMN test_device boolean NOT NULL DEFAULT false;
