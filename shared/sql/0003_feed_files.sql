-- Files taken from a feed (drop folder, SFTP): each once, whatever a crash in between,
-- with what became of every row.
CREATE TABLE feed_files (
    feed         text        NOT NULL,
    name         text        NOT NULL,
    sha256       text        NOT NULL,
    report       jsonb       NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (feed, name, sha256)
);
