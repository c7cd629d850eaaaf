-- How many times a sender took the update: more than once, and an earlier try may have
-- reached the channel (its sender died or timed out), so the channel is asked first.
ALTER TABLE channel_updates ADD COLUMN claims integer NOT NULL DEFAULT 0;
