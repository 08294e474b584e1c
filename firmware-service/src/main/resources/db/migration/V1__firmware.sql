-- Firmware packages. Content lives in firmware_blob, addressed by its SHA-256, stored once.
CREATE TABLE firmware (
    id              uuid         PRIMARY KEY,
    product_key     varchar(64)  NOT NULL,
    version         varchar(64)  NOT NULL,
    type            varchar(8)   NOT NULL CHECK (type IN ('FULL', 'DELTA')),
    source_version  varchar(64),
    name            varchar(200) NOT NULL,
    description     varchar(2000),
    size            bigint       NOT NULL CHECK (size >= 0),
    sha256          char(64)     NOT NULL,
    md5             char(32)     NOT NULL,
    signature       text         NOT NULL,
    key_id          varchar(64)  NOT NULL,
    verification    varchar(16)  NOT NULL DEFAULT 'UNVERIFIED'
                    CHECK (verification IN ('UNVERIFIED', 'VERIFYING', 'VERIFIED', 'FAILED')),
    created_at      timestamptz  NOT NULL DEFAULT now(),
    CHECK ((type = 'FULL' AND source_version IS NULL) OR (type = 'DELTA' AND source_version IS NOT NULL))
);

-- The contract's identity of a package: (productKey, version, type, sourceVersion).
CREATE UNIQUE INDEX firmware_identity ON firmware (product_key, version, type, coalesce(source_version, ''));
CREATE INDEX firmware_by_created ON firmware (created_at DESC, id);
