-- Issue 17, point 3: purchased home care (政府购买居家养老服务).
-- Providers (服务机构) with their contract and default price per hour; a
-- person's entitlement (服务资格) by assessed care level from a month; and
-- the provider and price per hour on a service record. A service without a
-- provider (every service before this) is no purchased service: its
-- provider, free text, stays as it was.
CREATE TABLE care_provider (
    id            TEXT PRIMARY KEY,
    row_version   INTEGER NOT NULL,
    name          TEXT NOT NULL,
    contact       TEXT,
    phone         TEXT,
    contract_from TEXT,
    contract_to   TEXT,
    price_cents   INTEGER NOT NULL,
    notes         TEXT
);
ALTER TABLE elderly_service ADD COLUMN provider_id TEXT REFERENCES care_provider(id);
ALTER TABLE elderly_service ADD COLUMN unit_price_cents INTEGER;
CREATE INDEX elderly_service_by_provider ON elderly_service(provider_id, date) WHERE provider_id IS NOT NULL;
CREATE TABLE elderly_care_entitlement (
    id          TEXT PRIMARY KEY,
    row_version INTEGER NOT NULL,
    elderly_id  TEXT NOT NULL REFERENCES elderly(id),
    level       TEXT NOT NULL,
    assessed_on TEXT NOT NULL,
    from_month  TEXT NOT NULL,
    status      TEXT NOT NULL,
    stop_month  TEXT,
    notes       TEXT
);
CREATE INDEX elderly_care_entitlement_by_elderly ON elderly_care_entitlement(elderly_id, from_month);
