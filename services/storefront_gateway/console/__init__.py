"""The ops console: the hub for the people who run it — a web page, not five APIs.

Serves (HTML, under /console): orders found by channel and number, customer email or
Crossdock id, each with its journey, lines, shipments with tracking links, journal
entries and quarantined lines; stock per SKU (per location, and what each channel shows
now, drift highlighted); every problem in one queue (quarantined deliveries by reason,
each service's dead letters, orders waiting on someone, parked postings, rejected
exports, failing channel pushes), each with its reason, its raw payload on demand and
the button that settles it (replay, retry, approve), confirmed first, the outcome shown.
Why the gateway serves it: it is the hub's one service that already faces people and
partners over HTTP, and the console needs no table of its own — every read goes out on
the operator's own token to the service that owns the data (`connectors.hub`), which
authorises it; every button is that service's existing admin API.
Owns: no table.
Owns the invariants: the console shows what the owners answer and never keeps it; a read
token changes nothing through it; an action needs an admin session, its form token and
this console's origin.
"""
