"""Hostile input against a running hub: each request is answered as docs/security.md says,
and each leaves nothing changed that it should not have changed."""

import asyncio
import hashlib
import json
import random
import re
import time
import uuid

import httpx
import pytest

from simulators.refund_payloads import shopify_refund
from simulators.storefronts import Line, shopify_order, signed_shopify
from tests.support.hub import SERVICES, Hub
from tests.support.hub_files import CUSTOM_SHOP
from tests.support.waiting import eventually

# A partner's own authenticated entrance: it checks the partner's credential, not ours.
DOORS = re.compile(r"^(/webhooks/|/3pl/v1/|/edi/\{channel_id\}$)")
# The ops console's sign-in, sign-out and stylesheet carry no data (its pages are guarded).
OPEN = {
    "/health/live",
    "/health/ready",
    "/metrics",
    "/console/sign-in",
    "/console/sign-out",
    "/console/static/console.css",
}


def concrete(path: str) -> str:
    """A path template with plausible values (ids as UUIDs, offsets as numbers)."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        return "0" if name == "offset" else str(uuid.uuid4()) if "id" in name else "X1"

    return re.sub(r"\{([^}]+)\}", value, path)


async def guarded_routes(hub: Hub, client: httpx.AsyncClient) -> list[tuple[str, str, str]]:
    """(service, method, path) of every documented route that is not a door."""
    found = []
    for service in SERVICES:
        document = (await client.get(hub.url(service, "/openapi.json"))).json()
        for path, methods in document["paths"].items():
            if DOORS.match(path) or path in OPEN:
                continue
            found += [(service, method.upper(), path) for method in methods]
    return found


async def test_every_documented_route_but_the_doors_refuses_a_call_without_a_token(
    hub: Hub,
) -> None:
    async with httpx.AsyncClient(timeout=30) as anonymous:
        routes = await guarded_routes(hub, anonymous)
        assert len(routes) > 30, routes
        for service, method, path in routes:
            response = await anonymous.request(method, hub.url(service, concrete(path)), json={})
            assert response.status_code == 401, (service, method, path, response.text)


async def test_a_read_only_token_reads_but_every_write_needs_admin(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    writes = [r for r in await guarded_routes(hub, client) if r[1] != "GET"]
    dry_runs = {"/mappings/{connector}/test"}  # a dry run changes nothing: operators may
    for service, method, path in writes:
        response = await client.request(method, hub.url(service, concrete(path)), json={})
        if path in dry_runs:
            assert response.status_code != 403, (service, method, path)
        else:
            assert response.status_code == 403, (service, method, path, response.text)
    shown = await client.get(hub.url("order-router", f"/orders/{uuid.uuid4()}"))
    assert shown.status_code == 404  # the token reads; the order is just not there


async def test_a_token_put_in_the_tokens_file_works_at_once_and_stops_when_removed(
    hub: Hub,
) -> None:
    token = "rotated-" + uuid.uuid4().hex + uuid.uuid4().hex
    tokens = hub.workdir / "tokens.yaml"
    digest = hashlib.sha256(token.encode()).hexdigest()
    url = hub.url("inventory-ledger", "/stock-audit")
    auth = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(timeout=30) as c:
        assert (await c.get(url, headers=auth)).status_code == 401
        tokens.write_text(f"tokens:\n  - {{name: ops-2027, scope: read, sha256: {digest}}}\n")

        async def accepted() -> bool:
            return (await c.get(url, headers=auth)).status_code == 200

        await eventually(accepted, timeout=5)
        tokens.write_text("tokens: []\n")

        async def refused() -> bool:
            return (await c.get(url, headers=auth)).status_code == 401

        await eventually(refused, timeout=5)


async def refund_postings(hub: Hub, client: httpx.AsyncClient, order_id: str) -> int:
    entries = (
        await client.get(hub.url("accounting-poster", f"/journal?order_id={order_id}"))
    ).json()["entries"]
    return sum(1 for e in entries if e["kind"] == "refund")


@pytest.mark.usefixtures("shipping")
async def test_a_captured_refund_replayed_under_a_new_event_id_books_once(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = f"SEC-RF-{random.randrange(10**9)}"
    await hub.set_stock(client, item, "wh-1", 5)
    order = shopify_order(random.randrange(10**11, 10**12), [Line(item, 2, "10.00")])
    order_id = await hub.deliver(client, signed_shopify(order, hub.shop, hub.shopify_secret))
    order_id = order_id.json()["order_id"]
    await hub.order_in(client, order_id, {"delivered"})
    body = shopify_refund(order, random.randrange(10**9), [(0, 1, "no_restock")])

    answers = []
    for _ in range(3):  # the same signed body, a fresh X-Shopify-Event-Id each time
        hook = signed_shopify(body, hub.shop, hub.shopify_secret, topic="refunds/create")
        answers.append((await hub.deliver(client, hook)).json()["status"])

    assert answers == ["accepted", "duplicate", "duplicate"]
    await eventually(lambda: refund_postings(hub, client, order_id))
    await asyncio.sleep(1)  # time for a second posting, were one on its way
    assert await refund_postings(hub, client, order_id) == 1


async def test_a_delivery_whose_signed_body_names_another_shop_is_refused(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    """Two channels share one secret (as a public app's shops do): a body of one shop,
    sent with the other shop's header, is refused and stored nowhere."""
    ref = random.randrange(10**11, 10**12)
    order = shopify_order(ref, [Line(f"SEC-X-{ref}", 1, "10.00")])
    order["order_status_url"] = f"https://{hub.shop}/548380009/orders/ab12/authenticate?key=k"
    forged = signed_shopify(order, CUSTOM_SHOP, hub.shopify_secret)

    response = await hub.deliver(client, forged)

    assert response.status_code == 401 and hub.shop in response.json()["detail"]
    assert await hub.order(client, hub.order_id("shopify-custom", str(ref))) is None


async def test_a_refund_of_another_channels_order_is_quarantined_not_booked(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    item = f"SEC-XR-{random.randrange(10**9)}"
    await hub.set_stock(client, item, "wh-1", 5)
    order = shopify_order(random.randrange(10**11, 10**12), [Line(item, 1, "10.00")])
    own = await hub.deliver(client, signed_shopify(order, hub.shop, hub.shopify_secret))
    await hub.settled_order(client, own.json()["order_id"])
    body = shopify_refund(order, random.randrange(10**9), [(0, 1, "no_restock")])
    hook = signed_shopify(body, CUSTOM_SHOP, hub.shopify_secret, topic="refunds/create")

    receipt = (await hub.deliver(client, hook)).json()

    assert receipt["status"] == "quarantined" and "never sent" in receipt["reason"]
    assert await refund_postings(hub, client, own.json()["order_id"]) == 0


@pytest.mark.parametrize(
    ("service", "path"),
    [
        ("storefront-gateway", "/webhooks/shopify"),
        ("storefront-gateway", "/mappings/shopify-test/test"),
        ("shipping-bridge", "/webhooks/easypost"),
        ("shipping-bridge", f"/3pl/v1/shipments/{uuid.uuid4()}/exceptions"),
        ("accounting-poster", "/exports/retry"),
    ],
)
async def test_an_oversized_body_is_refused_before_it_is_read(
    hub: Hub, service: str, path: str
) -> None:
    """Declared at 24 MB, sent a few bytes of: the answer comes without the rest."""
    reader, writer = await asyncio.open_connection("127.0.0.1", hub.ports[service])
    writer.write(
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {24 * 1024 * 1024}\r\n\r\n[1,".encode()
    )
    await writer.drain()
    status = await asyncio.wait_for(reader.readline(), timeout=5)
    writer.close()
    assert status.split()[1] == b"413", status


async def test_a_streamed_body_is_cut_off_at_the_limit(hub: Hub) -> None:
    """No length declared: the body is counted as it comes and refused past 1 MiB, while
    the sender still holds more."""
    reader, writer = await asyncio.open_connection("127.0.0.1", hub.ports["shipping-bridge"])
    path = f"/3pl/v1/shipments/{uuid.uuid4()}/exceptions"
    chunk = b" " * (1024 * 1024 + 16)
    writer.write(
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
        f"Content-Type: application/json\r\n\r\n{len(chunk):x}\r\n".encode()
        + chunk
        + b"\r\n"
    )
    await writer.drain()
    status = await asyncio.wait_for(reader.readline(), timeout=5)
    writer.close()
    assert status.split()[1] == b"413", status


async def test_deep_json_in_a_signed_webhook_is_refused_with_a_reason(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    hook = signed_shopify(b'{"a":' * 5000 + b"1" + b"}" * 5000, hub.shop, hub.shopify_secret)
    response = await hub.deliver(client, hook)
    assert response.status_code == 400 and "nested" in response.json()["detail"]


async def test_number_and_yaml_bombs_in_a_dry_run_are_answered_at_once(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    url = hub.url("storefront-gateway", "/mappings/shopify-test/test")
    order = shopify_order(1, [Line("SKU-1", 1, "1.00")])
    order["line_items"][0]["price"] = "1e999990"  # eight bytes, a million digits scaled
    bomb = 'a: &a ["x","x","x"]\nb: &b [*a,*a,*a]\nc: &c [*b,*b,*b]\nd: [*c,*c,*c]\n'

    started = time.monotonic()
    priced = await client.post(url, json={"payloads": [order]})
    aliased = await client.post(url, json={"payloads": [order], "mapping": bomb})
    crowded = await client.post(url, json={"payloads": [{"id": 1}] * 1000})
    took = time.monotonic() - started

    assert priced.status_code == 200 and priced.json()["failed"] == 1, priced.text
    assert aliased.status_code == 422 and "aliases" in aliased.text
    assert crowded.status_code == 422
    assert took < 5, f"three hostile dry runs took {took:.1f} s"


async def test_values_storage_cannot_hold_are_refused_or_quarantined_never_lost(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    ref = random.randrange(10**11, 10**12)
    huge = shopify_order(ref, [Line(f"SEC-Q-{ref}", 2**31, "1.00")])
    negative = shopify_order(ref + 1, [Line(f"SEC-N-{ref}", 1, "-5.00")])
    named = shopify_order(ref + 2, [Line(f"SEC-Z-{ref}", 1, "1.00")])
    named["line_items"][0]["title"] = "Mug\u0000"

    answers = [
        await hub.deliver(client, signed_shopify(p, hub.shop, hub.shopify_secret))
        for p in (huge, negative, named)
    ]

    assert [a.json().get("status") for a in answers[:2]] == ["quarantined", "quarantined"]
    assert "quantity" in answers[0].json()["reason"]
    assert answers[2].status_code == 400 and "NUL" in answers[2].json()["detail"]
    for n in range(3):
        assert await hub.order(client, hub.order_id("shopify-test", str(ref + n))) is None


async def test_a_formula_is_not_taken_as_a_sku(hub: Hub, client: httpx.AsyncClient) -> None:
    tag = uuid.uuid4().hex[:8]
    csv = f'sku,item_number\n=HYPERLINK("http://x"),IT-{tag}-1\nSEC-OK-{tag},IT-{tag}-2\n'
    response = await client.put(
        hub.url("storefront-gateway", "/xref"),
        content=csv,
        headers={"Authorization": f"Bearer {hub.admin_token}", "content-type": "text/csv"},
    )
    assert response.json()["loaded"] == 1
    assert "line 2" in response.json()["problems"][0]


async def test_a_link_in_the_drop_folder_is_set_aside_and_a_huge_count_fails_only_its_row(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    tag = uuid.uuid4().hex[:6].upper()
    drop = hub.workdir / "drop"
    drop.mkdir(exist_ok=True)
    secret = hub.workdir / f"outside-{tag}.csv"
    secret.write_text("item no,qty on hand\nSTOLEN,1\n")
    (drop / f"link-{tag}.csv").symlink_to(secret)
    await hub.set_stock(client, f"BIG-{tag}", "wh-1", 1)
    await hub.set_stock(client, f"OK-{tag}", "wh-1", 1)
    (drop / f"big-{tag}.csv").write_text(
        f"item no,qty on hand\nBIG-{tag},99999999999\nOK-{tag},7\n"
    )

    failed = drop / "failed" / f"link-{tag}.csv.report.json"
    done = drop / "processed" / f"big-{tag}.csv.report.json"
    await eventually(lambda: asyncio.to_thread(lambda: failed.exists() and done.exists()))

    assert "symbolic link" in json.loads(failed.read_text())["error"]
    report = json.loads(done.read_text())
    assert [p["line"] for p in report["problems"]] == [2] and report["applied"] == 1
    assert (await hub.stock(client, f"OK-{tag}"))["on_hand"] == 7
    assert (await hub.stock(client, f"BIG-{tag}"))["on_hand"] == 1


async def shipment_at(hub: Hub, client: httpx.AsyncClient, location: str) -> tuple[str, str]:
    item = f"SEC-T-{random.randrange(10**9)}"
    await hub.set_stock(client, item, location, 3)
    hook = signed_shopify(
        shopify_order(random.randrange(10**11, 10**12), [Line(item, 1, "1.00")]),
        hub.shop,
        hub.shopify_secret,
    )
    order = await hub.order_at_3pl(client, (await hub.deliver(client, hook)).json()["order_id"])
    return order["shipments"][0]["shipment_id"], item


async def test_a_3pl_cannot_claim_another_3pls_tracking_number(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    first, first_item = await shipment_at(hub, client, "wh-1")  # tpl-a
    second, second_item = await shipment_at(hub, client, "wh-2")  # tpl-b
    number = f"1Z{uuid.uuid4().hex[:12].upper()}"

    def parcel(item: str) -> dict[str, object]:
        lines = [{"sku": item, "quantity": 1}]
        return {"dispatch_id": "P1", "carrier": "UPS", "tracking_number": number, "lines": lines}

    own = await client.post(
        hub.url("shipping-bridge", f"/3pl/v1/shipments/{first}/dispatches"),
        json=parcel(first_item),
        headers={"X-Api-Key": hub.tpl_keys["tpl-a"][1]},
    )
    claimed = await client.post(
        hub.url("shipping-bridge", f"/3pl/v1/shipments/{second}/dispatches"),
        json=parcel(second_item),
        headers={"X-Api-Key": hub.tpl_keys["tpl-b"][1]},
    )

    assert own.status_code == 201 and claimed.status_code == 409, claimed.text


async def test_an_exception_report_sent_twice_counts_once(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    shipment, _ = await shipment_at(hub, client, "wh-1")
    url = hub.url("shipping-bridge", f"/3pl/v1/shipments/{shipment}/exceptions")
    report = {"report_id": "EX-1", "code": "damaged", "message": "box crushed"}
    key = {"X-Api-Key": hub.tpl_keys["tpl-a"][1]}

    first = await client.post(url, json=report, headers=key)
    again = await client.post(url, json=report, headers=key)

    assert (first.status_code, again.status_code) == (202, 200)
    assert (first.json()["recorded"], again.json()["recorded"]) == (True, False)
