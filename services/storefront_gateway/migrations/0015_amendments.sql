-- What an order last looked like to the hub (a digest of what an amendment may change)
-- and the channel's modification time of the last amendment taken: an update that
-- changes nothing is not an amendment, and an older one never undoes a newer one.
ALTER TABLE channel_orders ADD COLUMN amendable_digest text, ADD COLUMN amended_at timestamptz;

-- An update of an order the hub never took in (one placed before the channel was
-- connected, say) amends nothing: kept, with why, but not quarantined — nothing to fix.
ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check
    CHECK (status IN ('received', 'accepted', 'quarantined', 'duplicate', 'ignored'));
