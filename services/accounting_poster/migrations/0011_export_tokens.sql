-- OAuth 2.0 tokens of the accounting systems that use them: the refresh token each
-- refresh returned (it may replace the one before: kept before the access token is
-- used), the access token and when it expires.
CREATE TABLE export_tokens (
    target        text        PRIMARY KEY,
    refresh_token text        NOT NULL,
    access_token  text,
    expires_at    timestamptz,
    refreshed_at  timestamptz
);
