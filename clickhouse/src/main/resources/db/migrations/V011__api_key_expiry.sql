-- An API key may expire: the api refuses it from expires_at on. 0 (the epoch) means never, which is
-- what every key created before this migration reads.
ALTER TABLE ${db}.api_keys ADD COLUMN expires_at DateTime('UTC') DEFAULT toDateTime(0, 'UTC');
