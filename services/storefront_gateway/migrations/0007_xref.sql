-- A product's identifiers in other systems (a legacy item number, a barcode, a
-- marketplace's product code...), loaded from CSV: what declarative mappings look up.
CREATE TABLE sku_xref (
    system     text        NOT NULL,
    identifier text        NOT NULL,
    sku        text        NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (system, identifier)
);
CREATE INDEX sku_xref_by_sku ON sku_xref (sku);
