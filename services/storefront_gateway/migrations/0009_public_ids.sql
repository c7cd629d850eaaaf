-- Deliveries are shown to operators by a random id: the sequential one stays inside.
ALTER TABLE deliveries ADD COLUMN public_id uuid NOT NULL DEFAULT gen_random_uuid();
CREATE UNIQUE INDEX deliveries_by_public_id ON deliveries (public_id);
