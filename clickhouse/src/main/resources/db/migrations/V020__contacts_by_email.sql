-- Which contacts have which address, for the worker's send-time check (docs/contacts.md): an index
-- only. A row may outlive the contact's use of the address (the contact changed it); the check reads
-- the contact's newest version in contacts and ignores rows whose address it no longer has.
-- email is lower-case, as the worker compares it with the recipient address.
CREATE TABLE IF NOT EXISTS ${db}.contacts_by_email
(
    tenant     String,
    email      String,
    contact_id String
)
ENGINE = ReplacingMergeTree()
ORDER BY (tenant, email, contact_id);

-- Contacts written before this table: a second run adds copies that merges drop and readers ignore.
INSERT INTO ${db}.contacts_by_email (tenant, email, contact_id)
SELECT tenant, lower(email), contact_id FROM ${db}.contacts WHERE deleted = 0 AND email != '';
