"""The ops console in a real browser (Chromium, Playwright) on a running hub: an order
found by its number and read, a quarantined delivery and a dead letter replayed from the
problems page, stock per location and per channel — and who may do what."""

import json
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from shared.events.inventory import Allocation, StockReserved
from simulators.storefronts import Line, shopify_order, signed_shopify
from tests.e2e.test_dead_letters import publish_verdict
from tests.e2e.test_mapping_and_quarantine import load_xref, send, social_order
from tests.support.browser import accessibility_violations, keep, launched, sign_in
from tests.support.hub import Hub
from tests.support.waiting import eventually


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async for found in launched():
        yield found


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield await context.new_page()
    finally:
        await context.close()


def console(hub: Hub) -> str:
    return hub.url("storefront-gateway", "")


async def test_an_order_is_found_by_its_number_and_shows_its_journey_and_books(
    hub: Hub, client: httpx.AsyncClient, page: Page
) -> None:
    sku = f"CON-{uuid.uuid4().hex[:6]}"
    await hub.set_stock(client, sku, "wh-1", 5)
    ref = int(uuid.uuid4().int % 10**12)
    order = shopify_order(ref, [Line(sku, 2, "9.50")])
    await hub.deliver(client, signed_shopify(order, hub.shop, hub.shopify_secret))
    order_id = hub.order_id("shopify-test", str(ref))
    await hub.order_in(client, order_id, {"sent_to_fulfilment"})

    await sign_in(page, console(hub), hub.operator_token)
    await page.get_by_label("Order number or Crossdock id").fill(order["name"])
    await page.get_by_label("Channel (optional)").fill("shopify-test")
    await page.get_by_role("button", name="Search").click()
    await keep(page, "orders-search")
    await page.get_by_role("link", name=order["name"]).click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text(order["name"])
    journey = page.locator("ol.journey li")
    await expect(journey).to_have_count(5)
    await expect(page.locator("ol.journey li.reached")).to_have_count(3)  # placed..sent
    await expect(page.locator("ol.journey li[aria-current=step]")).to_contain_text("sent")
    await expect(page.get_by_role("link", name=sku)).to_be_visible()
    assert order_id in await page.locator(".ids").inner_text()
    await keep(page, "order-detail")


async def test_a_crossdock_id_opens_its_order_and_an_unknown_one_says_so(
    hub: Hub, client: httpx.AsyncClient, page: Page
) -> None:
    await sign_in(page, console(hub), hub.operator_token)
    unknown = uuid.uuid4()
    await page.get_by_label("Order number or Crossdock id").fill(str(unknown))
    await page.get_by_role("button", name="Search").click()
    await expect(page.get_by_role("alert")).to_contain_text(f"No order {unknown}")


async def test_a_quarantined_delivery_is_replayed_from_the_problems_page(
    hub: Hub, client: httpx.AsyncClient, page: Page
) -> None:
    tag = uuid.uuid4().hex[:6].upper()
    sku, item = f"CONQ-{tag}", f"IT-CONQ-{tag}"
    await hub.set_stock(client, sku, "wh-1", 3)
    sent = (await send(hub, client, social_order(f"SO-{tag}", item))).json()
    assert sent["status"] == "quarantined"
    await load_xref(hub, client, f"sku,item_number\n{sku},{item}\n")

    await sign_in(page, console(hub), hub.admin_token)
    await page.goto(f"{console(hub)}/console/problems")
    row = page.locator(f"li[data-delivery='{sent['delivery_id']}']")
    await expect(row).to_contain_text(item)
    await row.get_by_role("link", name="payload").click()
    await expect(page.locator("pre.payload")).to_contain_text(item)
    await keep(page, "quarantined-delivery")
    await page.get_by_role("link", name="Replay").click()
    await expect(page.locator(".confirm")).to_contain_text(sent["delivery_id"])
    await page.get_by_role("button", name="Yes, replay quarantined deliveries").click()
    await expect(page.get_by_role("status")).to_contain_text("Done")
    answer = json.loads(await page.locator("pre.payload").inner_text())
    assert (answer["replayed"], answer["accepted"]) == (1, 1)
    await keep(page, "quarantine-replayed")
    order_id = answer["results"][0]["order_id"]
    assert (await hub.settled_order(client, order_id))["status"] != "rejected"


async def test_a_dead_letter_is_replayed_from_the_problems_page(
    hub: Hub, client: httpx.AsyncClient, page: Page
) -> None:
    ref = int(uuid.uuid4().int % 10**12)
    order_id = uuid.UUID(hub.order_id("shopify-test", str(ref)))
    sku = f"CONDL-{uuid.uuid4().hex[:6]}"
    allocation = Allocation(sku=sku, location="wh-1", quantity=1)
    verdict = StockReserved(
        correlation_id=uuid.uuid4(), order_id=order_id, allocations=(allocation,)
    )
    await publish_verdict(hub, verdict)

    async def parked() -> int | None:
        letters = (await client.get(hub.url("order-router", "/dead-letters"))).json()["letters"]
        found = [x["offset"] for x in letters if str(order_id) in x["reason"]]
        return found[0] + 1 if found else None  # + 1: offset 0 is a letter too

    offset = await eventually(parked) - 1
    order = shopify_order(ref, [Line(sku, 1, "5.00")])  # no stock: the order is rejected
    await hub.deliver(client, signed_shopify(order, hub.shop, hub.shopify_secret))
    await hub.order_in(client, str(order_id), {"rejected"})

    await sign_in(page, console(hub), hub.admin_token)
    await page.goto(f"{console(hub)}/console/problems")
    row = page.locator(f"li[data-letter='order-router/{offset}']")
    await expect(row).to_contain_text("unknown order")
    await keep(page, "problems")
    await row.get_by_role("link", name="Replay").click()
    await page.get_by_role("button", name="Yes, replay a dead letter").click()
    await expect(page.get_by_role("status")).to_contain_text("Done")
    answer = json.loads(await page.locator("pre.payload").inner_text())
    assert answer["replayed"] == 1
    await page.goto(f"{console(hub)}/console/problems")
    await expect(page.locator(f"li[data-letter='order-router/{offset}']")).to_have_count(0)


async def test_stock_shows_every_location_and_what_each_channel_should_show(
    hub: Hub, client: httpx.AsyncClient, page: Page
) -> None:
    sku = f"CONS-{uuid.uuid4().hex[:6]}"
    await hub.set_stock(client, sku, "wh-1", 7)
    await hub.set_stock(client, sku, "wh-2", 4)

    async def channels_heard() -> list | None:
        url = hub.url("storefront-gateway", f"/channel-stock/{sku}")
        rows = (await client.get(url)).json()["channels"]
        return rows if rows and all(r["desired"] is not None for r in rows) else None

    rows = await eventually(channels_heard)
    await sign_in(page, console(hub), hub.operator_token)
    await page.goto(f"{console(hub)}/console/stock")
    await page.get_by_label("SKU").fill(sku)
    await page.get_by_role("button", name="Show").click()
    ledger = page.locator("table", has_text="The ledger, per location")
    await expect(ledger.locator("tr.total")).to_contain_text("11")
    for row in rows:
        shown = page.locator(f"tr[data-channel='{row['channel']}'] td.num").first
        await expect(shown).to_have_text(str(row["desired"]))
    await keep(page, "stock")


async def test_a_read_token_sees_no_button_and_cannot_act(
    hub: Hub, client: httpx.AsyncClient, page: Page
) -> None:
    await sign_in(page, console(hub), hub.operator_token)
    await page.goto(f"{console(hub)}/console/problems")
    await expect(page.get_by_text("Your token is read-only")).to_be_visible()
    await expect(page.get_by_role("link", name="Replay")).to_have_count(0)
    await page.goto(f"{console(hub)}/console/actions/retry-exports")
    await expect(page.get_by_role("alert")).to_contain_text("admin token is needed")
    url = hub.url("storefront-gateway", "/console/actions/retry-exports")
    admin = {"Authorization": f"Bearer {hub.admin_token}"}
    forged = await client.post(url, content=b"form_token=guessed", headers=admin)
    assert forged.status_code == 403 and "form token" in forged.text
    read_only = await client.post(url, content=b"")
    assert read_only.status_code == 403


async def test_without_a_session_every_page_asks_to_sign_in(hub: Hub, page: Page) -> None:
    response = await page.goto(f"{console(hub)}/console/orders?q=%231001")
    assert response is not None and response.status == 401
    await expect(page.get_by_label("Your Crossdock token")).to_be_visible()
    await page.get_by_label("Your Crossdock token").fill("x" * 40)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("alert")).to_contain_text("not valid")


async def test_the_flow_page_counts_the_orders_and_shows_every_services_backlog(
    hub: Hub, client: httpx.AsyncClient, page: Page
) -> None:
    flow = await client.get(hub.url("order-router", "/orders/flow"), params={"minutes": 60})
    counted = sum(m["orders"] for m in flow.json()["per_minute"])
    sku = f"CONF-{uuid.uuid4().hex[:6]}"
    await hub.set_stock(client, sku, "wh-1", 5)
    ref = int(uuid.uuid4().int % 10**12)
    order = shopify_order(ref, [Line(sku, 1, "3.00")])
    await hub.deliver(client, signed_shopify(order, hub.shop, hub.shopify_secret))
    await hub.settled_order(client, hub.order_id("shopify-test", str(ref)))

    await sign_in(page, console(hub), hub.operator_token)
    await page.goto(f"{console(hub)}/console/flow?minutes=60")
    total = int(await page.locator("#orders-total").inner_text())
    assert total >= counted + 1  # this one, and any other test's meanwhile
    await expect(page.locator("svg.chart rect").first).to_be_visible()
    for service in ("storefront-gateway", "order-router", "inventory-ledger"):
        await expect(page.locator(f"tr[data-service='{service}'] td.num").first).to_be_visible()
    await keep(page, "flow")


async def test_every_page_passes_the_accessibility_checks_and_works_by_keyboard(
    hub: Hub, client: httpx.AsyncClient, browser: Browser
) -> None:
    sku = f"CONA-{uuid.uuid4().hex[:6]}"
    await hub.set_stock(client, sku, "wh-1", 2)
    ref = int(uuid.uuid4().int % 10**12)
    await hub.deliver(
        client,
        signed_shopify(shopify_order(ref, [Line(sku, 1, "2.00")]), hub.shop, hub.shopify_secret),
    )
    order_id = hub.order_id("shopify-test", str(ref))
    await hub.settled_order(client, order_id)
    context = await browser.new_context(bypass_csp=True)  # for axe's injected script only
    page = await context.new_page()
    try:
        await page.set_content("<html><body><input><img src=x></body></html>")
        assert await accessibility_violations(page), "the checker finds an unlabelled field"
        await page.goto(f"{console(hub)}/console/sign-in")
        assert await accessibility_violations(page) == []
        await page.keyboard.press("Tab")  # the skip link, then the token field
        await page.keyboard.press("Tab")
        await page.keyboard.type(hub.admin_token)
        await page.keyboard.press("Enter")
        await page.wait_for_url("**/console/orders")
        for path in (
            "/console/orders?q=" + order_id,
            f"/console/stock?sku={sku}",
            "/console/problems",
            "/console/flow",
        ):
            await page.goto(console(hub) + path)
            assert await accessibility_violations(page) == [], path
    finally:
        await context.close()
