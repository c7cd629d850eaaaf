-- An amendment of the order's lines or ship-to being carried out: its shipments are
-- called off at their 3PLs first, and only when each has answered is the stock moved to
-- the amended lines and the order sent again. {"event": OrderAmended, "calling_off":
-- [shipment ids], "refused": the 3PL's reason when one had already shipped, or null}.
ALTER TABLE orders ADD COLUMN amendment jsonb;
