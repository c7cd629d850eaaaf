-- When the bridge last asked a 3PL after a shipment whose callbacks went quiet.
ALTER TABLE shipments ADD COLUMN checked_at timestamptz;
-- The reconciler's look-up: shipments a 3PL has and has not finished reporting on.
CREATE INDEX shipments_in_flight ON shipments (updated_at)
    WHERE status IN ('sent', 'acknowledged', 'partially_dispatched', 'dispatched');
