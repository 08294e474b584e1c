-- A sub-device package may need a newer gateway (issue #33): the lowest gateway firmware it works behind,
-- a SemVer version compared under the gateway's product's scheme; null: any gateway.
ALTER TABLE firmware ADD COLUMN min_gateway_version varchar(64);
