-- Wake only the pusher of the channel concerned, and only for a row it can push (a SKU
-- the channel does not list waits for its recheck instead of waking anyone).
DROP TRIGGER channel_stock_notify ON channel_stock;
DROP TRIGGER channel_listing_updates_notify ON channel_listing_updates;
DROP FUNCTION notify_channel_stock();

CREATE FUNCTION notify_channel_due() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '_channel_stock', NEW.channel);
    RETURN NULL;
END;
$$;

CREATE TRIGGER channel_stock_notify AFTER INSERT OR UPDATE OF desired_version ON channel_stock
    FOR EACH ROW WHEN (NEW.listed IS NOT FALSE) EXECUTE FUNCTION notify_channel_due();
CREATE TRIGGER channel_listing_updates_notify AFTER INSERT OR UPDATE OF version
    ON channel_listing_updates FOR EACH ROW EXECUTE FUNCTION notify_channel_due();

CREATE FUNCTION notify_account_export() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '_account_exports', '');
    RETURN NULL;
END;
$$;
CREATE TRIGGER account_exports_notify AFTER INSERT ON account_exports
    FOR EACH STATEMENT EXECUTE FUNCTION notify_account_export();
