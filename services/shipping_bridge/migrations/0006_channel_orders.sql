-- A shipping platform that got the order from the store itself names the store's order
-- (its key or number), not our shipment: found by channel and the channel's order.
CREATE INDEX shipments_by_channel_order ON shipments (channel, channel_order_ref);
CREATE INDEX shipments_by_channel_order_name ON shipments (channel, channel_order_name);
