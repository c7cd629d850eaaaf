-- The customer's language where the channel gives one (Shopify customer_locale):
-- Crossdock's own emails are written in it, else in the channel's notice_language.
ALTER TABLE channel_orders ADD COLUMN language text;
