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
-- Each customer's tiers as every trained version assigned them (models/history): tier over time, flows, alerts.
CREATE TABLE IF NOT EXISTS tier_history (
  version INTEGER NOT NULL,
  recorded_at TIMESTAMPTZ NOT NULL,
  as_of DATE,
  customer_id VARCHAR NOT NULL,
  value_tier VARCHAR,
  rfm_segment VARCHAR,
  lifecycle_stage VARCHAR,
  risk_band VARCHAR,
  churn_probability DOUBLE,
  cluster VARCHAR,
  PRIMARY KEY (version, customer_id)
);
-- Campaigns (models/campaigns): a filter and a playbook action, membership frozen at creation with a seeded
-- control group that receives nothing; outcomes are counted from starts_at over horizon_days.
CREATE TABLE IF NOT EXISTS campaigns (
  campaign_id INTEGER PRIMARY KEY,
  name VARCHAR NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  starts_at TIMESTAMPTZ NOT NULL,
  horizon_days INTEGER NOT NULL,
  filter VARCHAR NOT NULL,
  rule_id VARCHAR NOT NULL,
  action VARCHAR NOT NULL,
  playbook_version INTEGER NOT NULL,
  control_percent DOUBLE NOT NULL,
  seed BIGINT NOT NULL,
  model_version INTEGER,
  treatment_count INTEGER NOT NULL,
  control_count INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS campaign_members (
  campaign_id INTEGER NOT NULL,
  customer_id VARCHAR NOT NULL,
  arm VARCHAR NOT NULL CHECK (arm IN ('treatment', 'control')),
  value_tier VARCHAR,
  rfm_segment VARCHAR,
  lifecycle_stage VARCHAR,
  cluster VARCHAR,
  risk_band VARCHAR,
  churn_probability DOUBLE,
  monetary DECIMAL(18,4),
  value_at_risk DOUBLE,
  PRIMARY KEY (campaign_id, customer_id)
);
-- Where a campaign's treatment list is pushed (webhooks receiving JSON batches), and every attempt to.
CREATE TABLE IF NOT EXISTS destinations (
  name VARCHAR PRIMARY KEY,
  url VARCHAR NOT NULL,
  batch_size INTEGER NOT NULL,
  created_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS campaign_deliveries (
  campaign_id INTEGER NOT NULL,
  destination VARCHAR NOT NULL,
  push_id VARCHAR NOT NULL,
  batch INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  attempted_at TIMESTAMPTZ NOT NULL,
  customers INTEGER NOT NULL,
  status INTEGER,
  outcome VARCHAR NOT NULL CHECK (outcome IN ('delivered', 'retry', 'failed')),
  error VARCHAR
);
`;
