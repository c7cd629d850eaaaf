-- One posting per platform refund, whatever event announced it (a replayed webhook
-- under a fresh id gets a new event id, never a second journal).
ALTER TABLE journal_entries ADD COLUMN resource text;
CREATE UNIQUE INDEX one_posting_per_refund ON journal_entries (order_id, resource)
    WHERE kind = 'refund';
