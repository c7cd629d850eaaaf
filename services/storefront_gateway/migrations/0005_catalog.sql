-- The ERP connector: how far each kind has been read, and what could not be mapped.
CREATE TABLE erp_cursors (
    kind  text   PRIMARY KEY,
    since bigint NOT NULL
);
CREATE TABLE erp_rejected (
    id          bigserial   PRIMARY KEY,
    kind        text        NOT NULL,
    item        jsonb       NOT NULL,
    reason      text        NOT NULL,
    rejected_at timestamptz NOT NULL DEFAULT now()
);

-- Read models fed by the catalog and customers topics.
CREATE TABLE products (
    sku      text   PRIMARY KEY,
    details  jsonb  NOT NULL,
    revision bigint NOT NULL
);
CREATE TABLE price_book (
    price_id         text        PRIMARY KEY,
    sku              text        NOT NULL,
    currency         text        NOT NULL,
    amount_minor     bigint      NOT NULL,
    compare_at_minor bigint,
    starts_at        timestamptz,
    ends_at          timestamptz,
    revision         bigint      NOT NULL
);
CREATE INDEX price_book_sku ON price_book (sku);
CREATE TABLE customers (
    customer_id        text        PRIMARY KEY,
    email              text,
    name               text        NOT NULL,
    company            text,
    currency           text        NOT NULL,
    credit_limit_minor bigint,
    balance_minor      bigint      NOT NULL,
    balance_as_of      timestamptz NOT NULL,
    price_list         jsonb       NOT NULL DEFAULT '{}',  -- SKU -> negotiated minor units
    revision           bigint      NOT NULL
);
CREATE INDEX customers_email ON customers (email);

-- Prices and product details owed to each channel; like channel_stock, a row is due
-- while version > pushed_version and newer values overwrite older ones in place.
CREATE SEQUENCE listing_update_versions;
CREATE TABLE channel_listing_updates (
    channel         text        NOT NULL,
    sku             text        NOT NULL,
    kind            text        NOT NULL CHECK (kind IN ('price', 'details')),
    payload         jsonb       NOT NULL,
    version         bigint      NOT NULL DEFAULT nextval('listing_update_versions'),
    pushed_version  bigint      NOT NULL DEFAULT 0,
    dirty_since     timestamptz NOT NULL DEFAULT now(),
    pushed_at       timestamptz,
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    leased_until    timestamptz,
    last_error      text,
    PRIMARY KEY (channel, sku, kind)
);
CREATE INDEX channel_listing_updates_due ON channel_listing_updates (channel, kind)
    WHERE version > pushed_version;

-- Storefront accounts owed to the ERP.
CREATE TABLE account_exports (
    channel         text        NOT NULL,
    channel_ref     text        NOT NULL,
    account         jsonb       NOT NULL,
    erp_number      text,
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    PRIMARY KEY (channel, channel_ref)
);

CREATE TRIGGER channel_listing_updates_notify AFTER INSERT OR UPDATE OF version
    ON channel_listing_updates FOR EACH STATEMENT EXECUTE FUNCTION notify_channel_stock();
