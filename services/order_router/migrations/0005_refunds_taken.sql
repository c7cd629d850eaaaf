-- Each platform refund is taken once (returns expected, timeline), by its own id.
CREATE TABLE refunds_taken (
    order_id   uuid        NOT NULL,
    refund_ref text        NOT NULL,
    taken_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (order_id, refund_ref)
);
