-- Contact imports (docs/contacts.md, "Imports"): one row per written state of an import, the highest
-- version being its state. An import is sent in parts, each processed before its request is answered:
-- a row in state open or done ends a part (a retried or the next part starts from it), rows in state
-- importing are progress within a part, one per chunk of rows. columns is what later parts need of
-- the first (the CSV header and attribute types, the api's JSON); errors the first row errors.
CREATE TABLE IF NOT EXISTS ${db}.contact_imports
(
    tenant     String,
    import_id  String,
    version    UInt64,
    format     String,
    state      String,
    parts      UInt32,
    lines_read UInt64,
    rows_read  UInt64,
    imported   UInt64,
    failed     UInt64,
    errors     String,
    columns    String,
    created_ms UInt64,
    updated_ms UInt64
)
ENGINE = MergeTree()
ORDER BY (tenant, import_id, version);
