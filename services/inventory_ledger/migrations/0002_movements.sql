-- Every change to stock is a movement; `stock` is their running sum, kept in the same
-- transaction, and an audit (GET /stock-audit) proves the two agree.
CREATE TABLE stock_movements (
    id              bigserial   PRIMARY KEY,
    sku             text        NOT NULL,
    location        text        NOT NULL,
    kind            text        NOT NULL CHECK (kind IN (
                        'opening', 'receipt', 'adjustment', 'reservation', 'release',
                        'dispatch', 'return', 'write_off')),
    on_hand_delta   integer     NOT NULL,
    reserved_delta  integer     NOT NULL,
    order_id        uuid,
    source_event_id uuid,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stock_movements_by_item ON stock_movements (sku, location);

INSERT INTO stock_movements (sku, location, kind, on_hand_delta, reserved_delta)
SELECT sku, location, 'opening', on_hand, reserved FROM stock;

CREATE FUNCTION stock_movements_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'stock_movements is append-only';
END;
$$;

CREATE TRIGGER stock_movements_append_only BEFORE UPDATE OR DELETE ON stock_movements
    FOR EACH ROW EXECUTE FUNCTION stock_movements_are_append_only();
