"""Channel stock sync: every channel shows the ledger's available-to-sell.

`handlers` turns stock-levels into the quantity each channel should show; `pusher`
drains those to the channels' APIs within each channel's rate budget (`budget`), through
the platform adapters in `client`; `reconcile` reads the channels back and heals drift.
"""
