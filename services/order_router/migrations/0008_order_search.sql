-- The operators' search (GET /orders, the ops console): an order found by the number its
-- channel shows people, and the orders that need someone (held, waiting, failed) listed
-- without reading the whole history.
CREATE INDEX orders_by_name ON orders (channel_order_name, channel);
CREATE INDEX orders_needing_attention ON orders (status, updated_at)
    WHERE status IN ('awaiting_payment', 'held_for_approval', 'backordered', 'fulfilment_failed');
-- The console's flow chart: the last hours' orders, newest at the index's right edge
-- (an append, not a random insert).
CREATE INDEX orders_by_created ON orders (created_at);
