-- A tenant's suppression list (docs/suppressions.md): addresses and whole domains never to be mailed.
-- entry is a lower-case address (local@domain) or domain, its domain in punycode. A removal writes a
-- newer version with removed = 1; reads take the newest version per entry. expires_ms 0: never.
CREATE TABLE IF NOT EXISTS ${db}.suppressions
(
    tenant     String,
    entry      String,
    reason     String,
    source     String,
    created_ms UInt64,
    expires_ms UInt64,
    removed    UInt8,
    version    UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (tenant, entry);
