-- Each entry's document number, what an accountant finds it by in the books it is
-- exported to (QuickBooks DocNumber: at most 21 characters, unique per company).
ALTER TABLE journal_entries ADD COLUMN doc_number text UNIQUE
    CHECK (doc_number IS NULL OR length(doc_number) <= 21);
