-- Invoices for B2B orders: numbered without gaps per the sequence, one per order.
CREATE SEQUENCE invoice_numbers;
CREATE TABLE invoices (
    invoice_number text        PRIMARY KEY,
    order_id       uuid        NOT NULL UNIQUE,
    issued_at      timestamptz NOT NULL DEFAULT now(),
    document       jsonb       NOT NULL
);
