-- The price clock's last tick belongs to the catalog wing, not to the ERP's cursors.
CREATE TABLE price_clock (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    ticked_at timestamptz NOT NULL
);

INSERT INTO price_clock (ticked_at)
SELECT timestamptz 'epoch' + since * interval '1 microsecond'
FROM erp_cursors WHERE kind = 'price-clock';

DELETE FROM erp_cursors WHERE kind = 'price-clock';
