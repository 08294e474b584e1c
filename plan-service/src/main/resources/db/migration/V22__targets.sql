-- Fleet targeting (issue #34): groups of devices, and what a plan with a target (a filter and/or groups)
-- chose at activation.
--
-- A STATIC group is the devices that matched its filter when it was created (device_group_member, changed by
-- key afterwards); a DYNAMIC group is its filter, evaluated at each use.
CREATE TABLE device_group (
    name         varchar(64)   PRIMARY KEY,
    product_key  varchar(64)   NOT NULL,
    filter       text          NOT NULL,
    kind         varchar(8)    NOT NULL CHECK (kind IN ('STATIC', 'DYNAMIC')),
    created_by   varchar(200)  NOT NULL,
    created_at   timestamptz   NOT NULL DEFAULT now()
);
CREATE INDEX device_group_by_product ON device_group (product_key);

CREATE TABLE device_group_member (
    group_name  varchar(64)   NOT NULL REFERENCES device_group (name) ON DELETE CASCADE,
    device_key  varchar(128)  NOT NULL,
    PRIMARY KEY (group_name, device_key)
);

-- A plan's target as activation recorded it: its filter and groups, its membership, and how many devices
-- matched. A plan without a row here has no target beyond its product, source versions and lists.
CREATE TABLE plan_target (
    plan_id       uuid          PRIMARY KEY REFERENCES plan (id) ON DELETE CASCADE,
    membership    varchar(8)    NOT NULL CHECK (membership IN ('FROZEN', 'DYNAMIC')),
    filter        text,
    groups        text[]        NOT NULL DEFAULT '{}',
    matched       bigint        NOT NULL,
    recorded_at   timestamptz   NOT NULL,
    refreshed_at  timestamptz   NOT NULL
);

-- The devices a plan with a target may touch: recorded at activation (FROZEN: no others ever), kept in step
-- with the target while the plan runs (DYNAMIC). Keyed by device: a plan is of one product.
CREATE TABLE plan_member (
    plan_id     uuid          NOT NULL REFERENCES plan_target (plan_id) ON DELETE CASCADE,
    device_key  varchar(128)  NOT NULL,
    PRIMARY KEY (plan_id, device_key)
);
