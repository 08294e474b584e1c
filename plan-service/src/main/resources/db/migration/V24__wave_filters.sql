-- A wave may take the devices a filter matches (issue #34). At activation (and at each refresh of a DYNAMIC
-- plan) every device of the plan's product is recorded with the first wave whose filter matches it; the
-- scheduler and the waves' rules read this row, never the filter again.
CREATE TABLE plan_wave_member (
    plan_id     uuid          NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    device_key  varchar(128)  NOT NULL,
    wave        int           NOT NULL,
    PRIMARY KEY (plan_id, device_key)
);
