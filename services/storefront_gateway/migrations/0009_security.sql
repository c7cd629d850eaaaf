-- Deliveries are shown to operators by a random id: the sequential one stays inside.
ALTER TABLE deliveries ADD COLUMN public_id uuid NOT NULL DEFAULT gen_random_uuid();
CREATE UNIQUE INDEX deliveries_by_public_id ON deliveries (public_id);

-- One effect per resource, whatever delivery carried it: an order, its cancellation,
-- each refund. A delivery whose effect was already had (a replay under a fresh event id,
-- a platform's second webhook for the same refund) is recorded as a duplicate.
ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check
    CHECK (status IN ('received', 'accepted', 'quarantined', 'duplicate'));
CREATE TABLE effects (
    resource    text        PRIMARY KEY,
    delivery_id bigint      NOT NULL REFERENCES deliveries (id),
    order_id    uuid        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
