-- A device's history shows its hardware revision (issue #34): each task keeps the revision the device had
-- when the task was created, taken from the device view by the insert itself, so that every path that creates
-- a task (a push, an offer, a device's own request, a retry) records it alike.
ALTER TABLE upgrade_task ADD COLUMN hardware_revision varchar(32);

CREATE FUNCTION upgrade_task_hardware_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.hardware_revision IS NULL THEN
        SELECT d.hardware_revision INTO NEW.hardware_revision FROM device_view d
         WHERE d.product_key = NEW.product_key AND d.device_key = NEW.device_key;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER upgrade_task_hardware_revision BEFORE INSERT ON upgrade_task
    FOR EACH ROW EXECUTE FUNCTION upgrade_task_hardware_revision();
