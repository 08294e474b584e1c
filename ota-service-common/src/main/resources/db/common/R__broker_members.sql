-- The replicas of this service that use persistent broker sessions (SessionHandover): each beats here
-- while it runs; a replica that leaves while others stay hands its share over and removes its row; the row
-- of one that went away without leaving is claimed by another (adopted_by), which empties and discards its
-- broker sessions. A repeatable migration, so that it reaches databases past the shared ones.
CREATE TABLE IF NOT EXISTS broker_member (
    instance_id   varchar(200)  PRIMARY KEY,
    heartbeat_at  timestamptz   NOT NULL DEFAULT now(),
    leaving_at    timestamptz,
    adopted_by    varchar(200),
    adopted_at    timestamptz
);
