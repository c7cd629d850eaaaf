-- A channel's word about an order that arrives before the order itself.
--
-- That it is paid, when it arrives before the order
-- (webhooks come in no promised order): the order routes as soon as it is placed.
CREATE TABLE early_payments (
    order_id    uuid        PRIMARY KEY,
    payment     text        NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);

-- A cancellation of an order not here yet (it came first, or the order is still in the
-- gateway's quarantine): the order is cancelled the moment it is placed, never routed.
CREATE TABLE early_cancellations (
    order_id    uuid        PRIMARY KEY,
    reason      text,
    received_at timestamptz NOT NULL DEFAULT now()
);
