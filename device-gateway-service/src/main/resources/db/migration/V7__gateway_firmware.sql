-- Gateway firmware (issue #33; gateway protocol "Gateway firmware, hardware revisions and ordered versions").

-- How a product's versions compare: OPAQUE (equality only) or SEMVER (Semantic Versioning 2.0.0).
ALTER TABLE product ADD COLUMN version_scheme varchar(8) NOT NULL DEFAULT 'OPAQUE'
    CHECK (version_scheme IN ('OPAQUE', 'SEMVER'));

-- The gateway's hardware revision as its last hello reported it.
ALTER TABLE gateway ADD COLUMN hardware_revision varchar(32);

-- A task that upgrades the gateway itself goes out as down/gateway-upgrade; the gateway reports on it as on
-- any task, about itself (it is bound to itself), and its next hello names the version that booted.
ALTER TABLE gateway_task ADD COLUMN gateway_firmware boolean NOT NULL DEFAULT false;
CREATE INDEX gateway_task_own ON gateway_task (gateway_id, sent_at DESC) WHERE gateway_firmware;

-- Change counters of products (product.state events): consumers keep the highest.
CREATE SEQUENCE product_state_seq;
