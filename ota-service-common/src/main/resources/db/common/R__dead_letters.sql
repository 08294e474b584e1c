-- Messages a service could not process however often it tried (DeadLetters): kept with the reason, listed
-- and replayed through REST (/api/v1/dead-letters). A repeatable migration, so that it reaches databases
-- whose service migrations are past the shared ones.
CREATE TABLE IF NOT EXISTS dead_letter (
    id            uuid          PRIMARY KEY,
    subscription  varchar(300)  NOT NULL,
    topic         varchar(300)  NOT NULL,
    payload       bytea         NOT NULL,
    reason        text          NOT NULL,
    attempts      integer       NOT NULL,
    failed_at     timestamptz   NOT NULL DEFAULT now(),
    replayed_at   timestamptz
);
CREATE INDEX IF NOT EXISTS dead_letter_by_time ON dead_letter (failed_at);
