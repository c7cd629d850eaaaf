-- Orders read back from each channel's API, for those its webhooks never delivered:
-- how far each channel has been read, and what the last pass found.
CREATE TABLE order_pulls (
    channel        text        PRIMARY KEY,
    pulled_through timestamptz NOT NULL,
    last_report    jsonb       NOT NULL DEFAULT '{}'
);
