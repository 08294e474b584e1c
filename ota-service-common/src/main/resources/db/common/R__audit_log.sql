-- Every write of a service, who made it, from where, and what it changed (issue #23): appended in the
-- transaction of the change, never updated or deleted, and chained: each entry's hash covers the hash of
-- the one before, so that a row edited or deleted (even by someone who can switch the trigger off) breaks
-- the chain at that row, and audit_head (the last entry) shows rows cut off at the end. A repeatable
-- migration, so that it reaches databases whose service migrations are past the shared ones.
CREATE TABLE IF NOT EXISTS audit_log (
    id         bigint        PRIMARY KEY,
    at         timestamptz   NOT NULL,
    actor      varchar(200)  NOT NULL,
    address    varchar(100),
    action     varchar(64)   NOT NULL,
    resource   varchar(300)  NOT NULL,
    before     jsonb,
    after      jsonb,
    prev_hash  char(64)      NOT NULL,
    hash       char(64)      NOT NULL
);
CREATE SEQUENCE IF NOT EXISTS audit_log_seq;
CREATE INDEX IF NOT EXISTS audit_log_by_actor ON audit_log (actor, id);
CREATE INDEX IF NOT EXISTS audit_log_by_resource ON audit_log (resource, id);
CREATE INDEX IF NOT EXISTS audit_log_by_time ON audit_log (at, id);

-- the last entry: one row
CREATE TABLE IF NOT EXISTS audit_head (
    one   boolean   PRIMARY KEY DEFAULT true CHECK (one),
    id    bigint    NOT NULL,
    hash  char(64)  NOT NULL
);

-- An entry's hash: SHA-256 of the JSON array of the previous hash and every field (unambiguous, whatever
-- the fields contain); the time in microseconds since the epoch, whatever the session's time zone.
CREATE OR REPLACE FUNCTION audit_entry_hash(prev text, id bigint, at timestamptz, actor text, address text,
                                            action text, resource text, before jsonb, after jsonb)
    RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT encode(sha256(convert_to(jsonb_build_array(prev, id, (extract(epoch FROM at) * 1000000)::bigint,
                                                      actor, address, action, resource, before, after)::text,
                                    'UTF8')), 'hex')
$$;

CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END
$$;
DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log;
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
