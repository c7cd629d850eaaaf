-- Every posting numbers its entry by the order's entries of its kind, and a cancellation
-- or refund reads the order's sale: by order, on an index, however long the history.
CREATE INDEX journal_entries_by_order ON journal_entries (order_id, kind);
