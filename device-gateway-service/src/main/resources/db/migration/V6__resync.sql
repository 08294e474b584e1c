-- When the gateway was last asked to resync (down/resync): at most once a minute per gateway, whichever
-- replica asks (spec: "Resync").
ALTER TABLE gateway ADD COLUMN resync_at timestamptz;
