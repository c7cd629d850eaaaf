"""One webhook can be followed everywhere: its X-Request-Id comes back on the answer, is on
the gateway's log lines for it, and is the correlation id of the order's events in every
service; each answer is counted per route template (never per path) and status."""

import json
import uuid

import httpx

from simulators.storefronts import Line, shopify_order, signed_shopify
from tests.support.hub import Hub
from tests.support.waiting import eventually


async def test_a_webhooks_request_id_is_answered_logged_and_correlates_its_events(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    sku = f"RID-{uuid.uuid4().hex[:6]}"
    await hub.set_stock(client, sku, "wh-1", 3)
    ref = int(uuid.uuid4().int % 10**12)
    hook = signed_shopify(shopify_order(ref, [Line(sku, 1, "4.00")]), hub.shop, hub.shopify_secret)
    request_id = str(uuid.uuid4())
    answer = await client.post(
        hub.url("storefront-gateway", hook.path),
        headers={**hook.headers, "X-Request-Id": request_id},
        content=hook.body,
    )
    assert answer.status_code == 200 and answer.headers["x-request-id"] == request_id
    order_id = hub.order_id("shopify-test", str(ref))
    await hub.settled_order(client, order_id)

    async def verdict_correlated() -> list | None:
        found = [json.loads(r.value) for r in await hub.records("stock-reservations")]
        mine = [v for v in found if v.get("order_id") == order_id]
        return mine or None

    placed = [json.loads(r.value) for r in await hub.records("storefront-orders")]
    [event] = [e for e in placed if e.get("order_id") == order_id]
    assert event["correlation_id"] == request_id
    verdicts = await eventually(verdict_correlated)
    assert {v["correlation_id"] for v in verdicts} == {request_id}  # across services

    forged_id = str(uuid.uuid4())
    forged = await client.post(
        hub.url("storefront-gateway", hook.path),
        headers={**hook.headers, "X-Shopify-Hmac-Sha256": "Zm9yZ2Vk", "X-Request-Id": forged_id},
        content=hook.body,
    )
    assert forged.status_code == 401

    async def logged() -> bool:
        lines = (hub.workdir / "storefront-gateway.log").read_text().splitlines()
        return any(forged_id in line and "webhook refused" in line for line in lines)

    assert await eventually(logged), "the refusal is logged with its request's id"


async def test_every_answer_is_counted_by_route_template_and_an_id_is_given_when_none_came(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    missing = await client.get(hub.url("order-router", f"/orders/{uuid.uuid4()}"))
    assert missing.status_code == 404 and uuid.UUID(missing.headers["x-request-id"])
    odd = await client.get(
        hub.url("order-router", f"/orders/{uuid.uuid4()}"), headers={"X-Request-Id": "a b;<script>"}
    )
    assert odd.headers["x-request-id"] != "a b;<script>"  # not a sane token: replaced
    metrics = (await client.get(hub.url("order-router", "/metrics"))).text
    counted = [
        line
        for line in metrics.splitlines()
        if line.startswith("crossdock_http_requests_total{")
        and 'route="/orders/{order_id}"' in line
        and 'status="404"' in line
    ]
    assert counted and float(counted[0].rsplit(" ", 1)[1]) >= 2
    assert "/orders/" + str(uuid.uuid4())[:8] not in metrics
