-- An accounting system takes the entries of its home currency only (a EUR shop's
-- journals to its Xero tenant, never to the USD company's QuickBooks).
ALTER TABLE export_targets ADD COLUMN currency text;
