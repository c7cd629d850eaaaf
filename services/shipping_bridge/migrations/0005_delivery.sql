-- What the warehouse needs to ship a parcel: the ship-to, the shipping method, the
-- customer's note, each line's title and unit price, the currency. Personal data: kept
-- only while the shipment may still be sent (again) to its 3PL.
ALTER TABLE shipments ADD COLUMN delivery jsonb;
