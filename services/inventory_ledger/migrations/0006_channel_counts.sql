-- The newest count a channel gave of a location it is the master of (StockCounted):
-- an older count, arriving late, never overwrites a newer one.
CREATE TABLE channel_counts (
    sku         text        NOT NULL,
    location    text        NOT NULL,
    channel     text        NOT NULL,
    available   integer     NOT NULL,
    counted_at  timestamptz NOT NULL,
    taken_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (sku, location)
);
