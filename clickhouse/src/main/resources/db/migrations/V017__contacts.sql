-- Contacts: one row per written version of a tenant's contact; reads take the highest version, merges
-- keep only it. version is the tenant's own (ordering its updates) or the write time in milliseconds.
-- attributes (each value with its type) and consent are JSON for reading a contact back; the typed
-- key/value arrays hold the same attributes for audience rules (timestamps as epoch milliseconds),
-- consented the topics whose consent is granted.
-- A deleted contact is a row with deleted = 1 and no personal data, written after a mutation removed
-- every earlier row.
CREATE TABLE IF NOT EXISTS ${db}.contacts
(
    tenant      String,
    contact_id  String,
    version     UInt64,
    deleted     UInt8,
    email       String,
    name        String,
    timezone    String,
    locale      String,
    status      String,
    attributes  String,
    consent     String,
    str_keys    Array(String),
    str_values  Array(String),
    num_keys    Array(String),
    num_values  Array(Float64),
    bool_keys   Array(String),
    bool_values Array(UInt8),
    time_keys   Array(String),
    time_values Array(Int64),
    list_keys   Array(String),
    list_values Array(Array(String)),
    consented   Array(String),
    updated_ms  UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (tenant, contact_id);

-- When each contact was first written. Every upsert adds a row; rank is 2^64 - 1 minus the write
-- time, so the ReplacingMergeTree keeps the earliest row and min(created_ms) is right before merges too.
CREATE TABLE IF NOT EXISTS ${db}.contacts_created
(
    tenant     String,
    contact_id String,
    created_ms UInt64,
    rank       UInt64
)
ENGINE = ReplacingMergeTree(rank)
ORDER BY (tenant, contact_id);
