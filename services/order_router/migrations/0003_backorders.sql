-- Backordered orders, by the SKU they wait for: stock arriving for it retries them.
CREATE TABLE backorders (
    order_id uuid        NOT NULL REFERENCES orders (order_id),
    sku      text        NOT NULL,
    since    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (order_id, sku)
);
CREATE INDEX backorders_by_sku ON backorders (sku, since);
