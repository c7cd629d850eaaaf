-- B2B accounts with a credit limit, as the ERP has them (fed by the customers topic).
CREATE TABLE credit_accounts (
    customer_id        text        PRIMARY KEY,
    email              text        NOT NULL,
    currency           text        NOT NULL,
    credit_limit_minor bigint      NOT NULL,
    balance_minor      bigint      NOT NULL,
    balance_as_of      timestamptz NOT NULL,
    revision           bigint      NOT NULL
);
CREATE INDEX credit_accounts_email ON credit_accounts (email);
CREATE INDEX orders_customer_email ON orders ((lower(placed->>'customer_email')));
