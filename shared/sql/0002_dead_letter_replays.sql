-- Dead letters this service replayed (by offset on its dead-letter topic), and how it
-- went: a letter replayed successfully is not replayed again.
CREATE TABLE dead_letter_replays (
    dlt_offset  bigint      PRIMARY KEY,
    consumer    text        NOT NULL,
    outcome     text        NOT NULL,  -- 'replayed' or the error
    replayed_at timestamptz NOT NULL DEFAULT now()
);
