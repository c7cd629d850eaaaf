ALTER TABLE channel_orders ADD COLUMN currency text;
