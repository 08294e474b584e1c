-- Upgrade plans. The full definition and the tasks arrive with the scheduler.
CREATE TABLE plan (
    id                uuid          PRIMARY KEY,
    name              varchar(100)  NOT NULL UNIQUE,
    product_key       varchar(64)   NOT NULL,
    firmware_id       uuid          NOT NULL,
    mode              varchar(8)    NOT NULL CHECK (mode IN ('SILENT', 'MANUAL')),
    status            varchar(12)   NOT NULL CHECK (status IN ('DRAFT', 'ACTIVE', 'SUSPENDED', 'TERMINATED', 'FINISHED')),
    suspended_reason  varchar(500),
    created_at        timestamptz   NOT NULL DEFAULT now(),
    updated_at        timestamptz   NOT NULL DEFAULT now()
);
CREATE INDEX plan_by_status ON plan (status, product_key);
