-- What a customer knows their order by ("#1001"), for the notices Crossdock sends them.
ALTER TABLE channel_orders ADD COLUMN channel_order_name text;
