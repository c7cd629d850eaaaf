-- Interchanges a 3PL sent over EDI, by its ISA13 control number: a re-sent interchange
-- is recognised and answered with the same 997, its sets not taken twice.
CREATE TABLE edi_interchanges (
    fulfiller   text        NOT NULL,
    control     text        NOT NULL,
    digest      text        NOT NULL,
    reply       text        NOT NULL,
    result      text        NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (fulfiller, control)
);

-- A ship notice names the order as the 3PL got it: its name, at this 3PL.
CREATE INDEX shipments_by_fulfiller_order_name ON shipments (fulfiller, channel_order_name);
