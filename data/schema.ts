/**
 * The canonical tables. Money is DECIMAL(18,4): sums stay exact (unit prices carry up to 3 decimals in real
 * retail logs, so amounts need more than cents). Timestamps are TIMESTAMPTZ stored in UTC; a value without
 * an offset is read as UTC.
 */
export const SCHEMA_SQL = `
SET TimeZone = 'UTC';
CREATE TABLE IF NOT EXISTS customers (
  customer_id VARCHAR PRIMARY KEY,
  signup_date DATE,
  churned BOOLEAN
);
-- Every other column of a customers file, one row per customer and attribute, typed on load.
CREATE TABLE IF NOT EXISTS customer_attributes (
  customer_id VARCHAR NOT NULL,
  name VARCHAR NOT NULL,
  kind VARCHAR NOT NULL CHECK (kind IN ('numeric', 'categorical')),
  num_value DOUBLE,
  text_value VARCHAR,
  PRIMARY KEY (customer_id, name)
);
CREATE TABLE IF NOT EXISTS transactions (
  customer_id VARCHAR NOT NULL,
  order_id VARCHAR NOT NULL,
  timestamp TIMESTAMPTZ NOT NULL,
  amount DECIMAL(18,4) NOT NULL,
  quantity DOUBLE,
  unit_price DECIMAL(18,4),
  product VARCHAR,
  description VARCHAR,
  category VARCHAR,
  channel VARCHAR,
  load_id INTEGER
);
CREATE TABLE IF NOT EXISTS feedback (
  customer_id VARCHAR NOT NULL,
  timestamp TIMESTAMPTZ NOT NULL,
  text VARCHAR NOT NULL,
  rating DOUBLE,
  channel VARCHAR,
  load_id INTEGER
);
-- One row per file loaded; transactions and feedback rows carry the load_id of the file they came from.
CREATE TABLE IF NOT EXISTS loads (
  load_id INTEGER PRIMARY KEY,
  kind VARCHAR NOT NULL,
  file VARCHAR NOT NULL,
  loaded_at TIMESTAMPTZ NOT NULL,
  rows_loaded BIGINT NOT NULL,
  rows_rejected BIGINT NOT NULL
);
-- Stores created before loads were recorded, and before product descriptions were kept.
ALTER TABLE transactions ADD COLUMN IF NOT EXISTS load_id INTEGER;
ALTER TABLE transactions ADD COLUMN IF NOT EXISTS description VARCHAR;
ALTER TABLE feedback ADD COLUMN IF NOT EXISTS load_id INTEGER;
-- A feedback file's language setting (auto, en, pt, zh: data/text-language.ts); NULL for other kinds, and for
-- feedback loaded before it was recorded, which is scored as auto.
ALTER TABLE loads ADD COLUMN IF NOT EXISTS language VARCHAR;
`;
