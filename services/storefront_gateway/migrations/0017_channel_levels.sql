-- Which SKU each of a channel's own inventory items is (Shopify's inventory_item_id:
-- its level webhooks name no SKU), learned from the channel's product data or loaded.
CREATE TABLE channel_inventory_items (
    channel           text        NOT NULL,
    inventory_item_id text        NOT NULL,  -- the numeric id (a GraphQL gid's last part)
    sku               text        NOT NULL,
    source            text        NOT NULL,  -- 'catalog' (read from the channel) or 'loaded'
    learned_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (channel, inventory_item_id)
);

-- The newest level each channel reported of an item at one of its locations, and what
-- the hub made of it: an older report never overwrites a newer one.
CREATE TABLE channel_levels (
    channel           text        NOT NULL,
    inventory_item_id text        NOT NULL,
    location_id       text        NOT NULL,
    available         integer,               -- NULL: the channel does not track it
    updated_at        timestamptz NOT NULL,  -- the channel's own time for this level
    sku               text,
    verdict           text        NOT NULL,
    received_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (channel, inventory_item_id, location_id)
);
