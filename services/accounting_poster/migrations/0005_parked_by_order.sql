-- Movements parked until their order's amounts arrive are found by order.
CREATE INDEX parked_by_order ON parked_postings ((payload->>'order_id'));
