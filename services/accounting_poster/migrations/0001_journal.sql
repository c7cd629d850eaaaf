CREATE TABLE accounts (
    code text PRIMARY KEY,
    name text NOT NULL,
    type text NOT NULL CHECK (type IN ('asset', 'liability', 'equity', 'revenue', 'expense'))
);

CREATE TABLE journal_entries (
    entry_id        uuid        PRIMARY KEY,
    kind            text        NOT NULL CHECK (kind IN ('sale', 'cogs', 'refund')),
    source_event_id uuid        NOT NULL UNIQUE,
    order_id        uuid        NOT NULL,
    currency        text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    memo            text        NOT NULL,
    posted_at       timestamptz NOT NULL DEFAULT now()
);
-- One sale per order, whatever event announced it.
CREATE UNIQUE INDEX one_sale_per_order ON journal_entries (order_id) WHERE kind = 'sale';

CREATE TABLE journal_lines (
    entry_id     uuid    NOT NULL REFERENCES journal_entries (entry_id),
    line_no      integer NOT NULL,
    account      text    NOT NULL REFERENCES accounts (code),
    debit_minor  bigint  NOT NULL DEFAULT 0 CHECK (debit_minor >= 0),
    credit_minor bigint  NOT NULL DEFAULT 0 CHECK (credit_minor >= 0),
    description  text    NOT NULL,
    PRIMARY KEY (entry_id, line_no),
    CHECK ((debit_minor = 0) <> (credit_minor = 0))
);

-- Checked at commit, once every line of the entry is in: debits equal credits.
CREATE FUNCTION journal_entry_balances() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    difference bigint;
BEGIN
    SELECT coalesce(sum(debit_minor), 0) - coalesce(sum(credit_minor), 0) INTO difference
    FROM journal_lines WHERE entry_id = NEW.entry_id;
    IF difference <> 0 THEN
        RAISE EXCEPTION 'journal entry % does not balance (debits - credits = %)',
            NEW.entry_id, difference;
    END IF;
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER journal_entries_balance AFTER INSERT ON journal_lines
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION journal_entry_balances();

-- What the accounting-poster knows of each order: its amounts, and whether it was accepted.
CREATE TABLE sales (
    order_id  uuid    PRIMARY KEY,
    placed    jsonb,
    reserved  boolean NOT NULL DEFAULT false
);

CREATE TABLE item_costs (
    sku        text   PRIMARY KEY,
    currency   text   NOT NULL,
    cost_minor bigint NOT NULL CHECK (cost_minor >= 0)
);

-- Postings that could not be made yet, with why; retried when the cause is fixed.
CREATE TABLE parked_postings (
    source_event_id uuid        PRIMARY KEY,
    kind            text        NOT NULL,
    payload         jsonb       NOT NULL,
    reason          text        NOT NULL,
    parked_at       timestamptz NOT NULL DEFAULT now()
);
