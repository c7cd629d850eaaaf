"""Products and prices on every channel: the catalog read model, the price book with its
scheduled windows, and what each channel is owed (pushed by `sync.pusher`)."""
