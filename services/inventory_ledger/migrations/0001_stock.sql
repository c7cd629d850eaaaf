CREATE TABLE stock (
    sku        text        NOT NULL,
    location   text        NOT NULL,
    on_hand    integer     NOT NULL,
    reserved   integer     NOT NULL DEFAULT 0,
    version    bigint      NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (sku, location),
    CONSTRAINT stock_never_oversold CHECK (reserved >= 0 AND on_hand >= 0 AND reserved <= on_hand)
);

-- One verdict per order: a re-sent ReserveStock for the same order never reserves twice.
CREATE TABLE reservations (
    order_id    uuid        PRIMARY KEY,
    status      text        NOT NULL CHECK (status IN ('reserved', 'rejected')),
    allocations jsonb       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
