-- Retention (MessageRetention) deletes published outbox rows by their publishing time: an index to walk,
-- holding only published rows (the relay's index holds the unpublished ones).
CREATE INDEX IF NOT EXISTS outbox_published ON outbox_message (published_at) WHERE published_at IS NOT NULL;
