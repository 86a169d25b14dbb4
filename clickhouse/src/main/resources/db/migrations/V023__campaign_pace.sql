-- A campaign with a rate cap spreads the recipients due at one instant from it at its pace; paced holds,
-- as of the occurrence's checkpoint, how many emails each such instant has planned so far
-- ("epoch second:count" pairs, comma-separated), so that the next page continues the spread.
ALTER TABLE ${db}.campaign_occurrences ADD COLUMN paced String DEFAULT '';
