-- A channel's word that an order is paid, when it arrives before the order itself
-- (webhooks come in no promised order): the order routes as soon as it is placed.
CREATE TABLE early_payments (
    order_id    uuid        PRIMARY KEY,
    payment     text        NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);
