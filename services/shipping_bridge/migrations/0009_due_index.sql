-- The sender claims shipments that are pending or being called off: its index must hold
-- both, or every pass reads the whole history of finished shipments (a partial index
-- on 'pending' alone cannot serve `status IN ('pending', 'cancelling')`).
DROP INDEX shipments_due;
CREATE INDEX shipments_due ON shipments (next_attempt_at)
    WHERE status IN ('pending', 'cancelling');
