-- The books' waiting figures (crossdock_exports_rejected, every 30 s) counted from the
-- few rejected exports, not from every export ever made.
CREATE INDEX exports_rejected ON exports (target) WHERE status = 'rejected';
