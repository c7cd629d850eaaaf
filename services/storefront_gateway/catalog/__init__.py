"""The catalog wing: products and prices on every channel, and what each customer pays.

Consumes: `catalog` (ProductChanged, PriceScheduled: the read model, the price book with
its scheduled windows, and what each channel is owed, pushed by the stock-sync wing's
per-channel pusher), `customers` (CustomerChanged: B2B accounts, negotiated prices,
credit limits, as a read model).
Serves: `GET /customers/{id}/pricing`.
Owns: `products`, `price_book`, `channel_listing_updates`, `price_clock`, `customers`.
Owns the invariants: only a newer ERP revision changes anything; a price window starts
and ends on every channel at its boundary.
The two topics it reads are written by the ERP wing; it reads them as any other service
would (the order-router reads `customers` too), never the ERP wing's tables.
"""
