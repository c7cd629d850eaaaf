-- A quarantined line of an order the channel cancelled is closed, not left open: nobody
-- should map a line that will never ship. Kept, with why, for the record.
ALTER TABLE quarantined_lines ADD COLUMN closed_at timestamptz, ADD COLUMN closed_reason text;
CREATE INDEX quarantined_lines_open_by_order ON quarantined_lines (order_id)
    WHERE closed_at IS NULL;
