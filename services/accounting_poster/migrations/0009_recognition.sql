-- The facts revenue recognition waits on besides acceptance: payment captured, goods
-- gone (the chart's `recognise` policy says which counts).
ALTER TABLE sales ADD COLUMN paid boolean NOT NULL DEFAULT false;
ALTER TABLE sales ADD COLUMN shipped boolean NOT NULL DEFAULT false;
