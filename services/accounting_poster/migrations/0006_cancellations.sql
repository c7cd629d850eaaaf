-- A cancelled order's sale: reversed by a `void` entry when it was posted (less what its
-- refunds already reversed), never posted when it was not.
ALTER TABLE sales ADD COLUMN cancelled boolean NOT NULL DEFAULT false;
ALTER TABLE journal_entries DROP CONSTRAINT journal_entries_kind_check;
ALTER TABLE journal_entries ADD CONSTRAINT journal_entries_kind_check
    CHECK (kind IN ('sale', 'cogs', 'refund', 'void'));
CREATE UNIQUE INDEX one_void_per_order ON journal_entries (order_id) WHERE kind = 'void';
