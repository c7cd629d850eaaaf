-- Invoice numbers without gaps: a counter row per series (a year, or one for all time),
-- moved in the transaction that issues the invoice, so a rolled-back posting gives its
-- number back (a sequence would not). Seeded from the invoices already issued.
CREATE TABLE invoice_counters (
    series      text   PRIMARY KEY,
    last_number bigint NOT NULL CHECK (last_number >= 0)
);
INSERT INTO invoice_counters (series, last_number)
    SELECT split_part(invoice_number, '-', 2), max(split_part(invoice_number, '-', 3)::bigint)
    FROM invoices GROUP BY 1;
INSERT INTO invoice_counters (series, last_number)
    SELECT 'all', coalesce(max(split_part(invoice_number, '-', 3)::bigint), 0) FROM invoices;
DROP SEQUENCE invoice_numbers;
