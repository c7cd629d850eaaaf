-- A count from an inventory snapshot (a legacy system's file) is a movement of its own.
ALTER TABLE stock_movements DROP CONSTRAINT stock_movements_kind_check;
ALTER TABLE stock_movements ADD CONSTRAINT stock_movements_kind_check CHECK (kind IN (
    'opening', 'receipt', 'adjustment', 'reservation', 'release', 'dispatch', 'return',
    'write_off', 'handover', 'count'));
