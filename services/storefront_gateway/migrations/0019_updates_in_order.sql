-- A channel hears of one order's facts in the order they happened (a fulfilment before
-- its tracking events, in_transit before out_for_delivery): the sender takes an update
-- only when no earlier one of the same order is still pending.
CREATE INDEX channel_updates_pending_by_order ON channel_updates (order_id, id)
    WHERE status = 'pending';
