-- The ledger's stock as the gateway last heard it, per SKU and location: a read model
-- fed by stock-levels, newest version wins.
CREATE TABLE location_stock (
    sku        text    NOT NULL,
    location   text    NOT NULL,
    available  integer NOT NULL,
    version    bigint  NOT NULL,
    PRIMARY KEY (sku, location)
);

-- What each channel should show for each SKU, and what it was last told. A row is due
-- while desired_version > pushed_version; newer changes overwrite `desired` in place,
-- so a burst of changes costs one call (coalescing). `desired_version` is the sum of the
-- versions of the locations the channel sells from, which only grows.
CREATE TABLE channel_stock (
    channel          text        NOT NULL,
    sku              text        NOT NULL,
    desired          integer     NOT NULL CHECK (desired >= 0),
    desired_version  bigint      NOT NULL,
    dirty_since      timestamptz NOT NULL,  -- the first change the channel has not yet seen
    pushed           integer,
    pushed_version   bigint      NOT NULL DEFAULT 0,
    pushed_at        timestamptz,
    listing          jsonb,                 -- the channel's own ids for the SKU, once looked up
    listed           boolean,               -- false: the channel does not sell this SKU
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    leased_until     timestamptz,
    last_error       text,
    changes          bigint      NOT NULL DEFAULT 1,  -- levels computed (pushes saved = changes - pushes)
    pushes           bigint      NOT NULL DEFAULT 0,
    PRIMARY KEY (channel, sku)
);
CREATE INDEX channel_stock_due ON channel_stock (channel, next_attempt_at)
    WHERE desired_version > pushed_version;

-- Differences reconciliation found between a channel and the ledger, kept while they last.
CREATE TABLE stock_drift (
    channel     text        NOT NULL,
    sku         text        NOT NULL,
    expected    integer,
    actual      integer,
    first_seen  timestamptz NOT NULL DEFAULT now(),
    last_seen   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (channel, sku)
);

CREATE FUNCTION notify_channel_stock() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '_channel_stock', '');
    RETURN NULL;
END;
$$;

CREATE TRIGGER channel_stock_notify AFTER INSERT OR UPDATE OF desired_version ON channel_stock
    FOR EACH STATEMENT EXECUTE FUNCTION notify_channel_stock();
