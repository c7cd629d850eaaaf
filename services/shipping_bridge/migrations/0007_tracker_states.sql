-- The latest carrier scan taken per tracking number: a tracking platform's webhooks
-- come in no promised order, and an older scan never overwrites a newer one.
CREATE TABLE tracker_states (
    tracking_number text        PRIMARY KEY,
    happened_at     timestamptz NOT NULL,
    status          text        NOT NULL
);
