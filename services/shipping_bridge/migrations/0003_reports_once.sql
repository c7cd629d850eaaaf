-- A tracking number belongs to the 3PL that first reported it.
CREATE INDEX dispatches_by_tracking_number ON dispatches (tracking_number);

-- Each exception report counts once (the 3PL's report id, or the tracking event's id).
CREATE TABLE reported_exceptions (
    shipment_id uuid        NOT NULL REFERENCES shipments (shipment_id),
    report_key  text        NOT NULL,
    reported_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (shipment_id, report_key)
);
