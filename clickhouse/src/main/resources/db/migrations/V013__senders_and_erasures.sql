-- Sender identities: the domains and addresses a tenant may send from (from and reply_to). A removal
-- writes a newer version of the row with removed = 1; reads take the newest version per key, so they
-- are correct before and after merges. identity is a lower-case ASCII domain or local@domain with the
-- domain lower-cased.
CREATE TABLE IF NOT EXISTS ${db}.sender_identities
(
    tenant   String,
    identity String,
    removed  UInt8,
    at       DateTime('UTC'),
    version  UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (tenant, identity);

-- Audit trail of recipient erasures (DELETE /v1/recipients/{address}). The address itself is not kept:
-- only its SHA-256, so that a tenant can show that a given address was erased without the log holding it.
CREATE TABLE IF NOT EXISTS ${db}.erasures
(
    erasure_id     String,
    tenant         String,
    address_sha256 String,
    requested_at   DateTime('UTC'),
    key_id         String,
    emails         UInt64,
    cancelled      UInt64
)
ENGINE = MergeTree()
ORDER BY (tenant, requested_at, erasure_id);
