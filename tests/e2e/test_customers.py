"""Customers: ERP accounts with B2B prices and credit limits, at checkout and at routing;
storefront accounts to the ERP — real Kafka and PostgreSQL, the ERP simulator."""

import uuid

import httpx

from simulators.storefronts import Line, shopify_order, signed_shopify
from tests.support.channels import erp_put
from tests.support.hub import Hub
from tests.support.waiting import eventually


def account(
    number: str, email: str, limit: str | None, balance: str = "0.00", **extra: object
) -> dict:
    return {
        "number": number,
        "email": email,
        "name": "Acme Trading",
        "company": "Acme Trading Ltd",
        "currency": "USD",
        "credit_limit": limit,
        "balance": balance,
        "balance_as_of": "2026-01-01T00:00:00Z",
        "price_list": [],
        **extra,
    }


async def pricing(hub: Hub, client: httpx.AsyncClient, customer: str, *skus: str) -> httpx.Response:
    return await client.get(
        hub.url("storefront-gateway", f"/customers/{customer}/pricing"),
        params=[("sku", s) for s in skus],
    )


async def test_a_b2b_customer_sees_negotiated_prices_and_others_the_list_price(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    tag = uuid.uuid4().hex[:6].upper()
    deal, plain, number = f"B2B-{tag}-1", f"B2B-{tag}-2", f"C-{tag}"
    await erp_put(
        hub,
        client,
        "prices",
        [
            {"id": f"{deal}-std", "sku": deal, "currency": "USD", "amount": "40.00"},
            {"id": f"{plain}-std", "sku": plain, "currency": "USD", "amount": "9.50"},
        ],
    )
    price_list = [{"sku": deal, "price": "31.00"}]
    await erp_put(
        hub,
        client,
        "customers",
        [account(number, f"{tag}@acme.test", "5000.00", price_list=price_list)],
    )

    async def answered() -> httpx.Response | None:
        response = await pricing(hub, client, number, deal, plain)
        # The ERP's prices and its customer arrive as separate facts: wait for all of them.
        ok = response.status_code == 200
        listed = ok and all(p["list_price_minor"] for p in response.json()["prices"])
        return response if listed else None

    body = (await eventually(answered)).json()
    assert body["credit_limit_minor"] == 500000 and body["currency"] == "USD"
    assert body["prices"] == [
        {"sku": deal, "list_price_minor": 4000, "price_minor": 3100, "source": "negotiated"},
        {"sku": plain, "list_price_minor": 950, "price_minor": 950, "source": "list"},
    ]


async def test_pricing_for_an_unknown_customer_or_without_a_sku_is_refused(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    unknown = await pricing(hub, client, "C-NOBODY", "X")
    assert unknown.status_code == 404 and "C-NOBODY" in unknown.text
    assert (await pricing(hub, client, "C-NOBODY")).status_code == 422


async def test_an_order_beyond_the_credit_limit_is_held_until_approved(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    tag = uuid.uuid4().hex[:6].upper()
    sku, email = f"CREDIT-{tag}", f"buyer-{tag}@acme.test"
    await hub.set_stock(client, sku, "wh-1", 100)
    # 900.00 already owed in the ERP; a 1,000.00 limit.
    await erp_put(
        hub, client, "customers", [account(f"C-{tag}", email, "1000.00", balance="900.00")]
    )
    first = shopify_order(
        int(uuid.uuid4().int % 10**12), [Line(sku, 1, "50.00")], shipping="0.00", tax_rate="0"
    )
    first["email"] = email
    second = shopify_order(
        int(uuid.uuid4().int % 10**12), [Line(sku, 2, "50.00")], shipping="0.00", tax_rate="0"
    )
    second["email"] = email

    async def account_known() -> dict | None:
        found = await client.get(hub.url("order-router", f"/credit-accounts/C-{tag}"))
        return found.json() if found.status_code == 200 else None

    standing = await eventually(account_known)
    assert (standing["credit_limit_minor"], standing["available_minor"]) == (100000, 10000)
    fits = await hub.deliver(client, signed_shopify(first, hub.shop, hub.shopify_secret))
    fitting = await hub.settled_order(client, fits.json()["order_id"])
    assert fitting["status"] in ("reserved", "sent_to_fulfilment")

    beyond = await hub.deliver(client, signed_shopify(second, hub.shop, hub.shopify_secret))
    order_id = beyond.json()["order_id"]
    held = await hub.order_in(client, order_id, {"held_for_approval"})
    assert "credit limit 1000.00 USD exceeded" in held["reason"]
    assert "950.00 open + this order 100.00 = 1050.00" in held["reason"]
    assert (await hub.stock(client, sku))["reserved"] == 1  # nothing reserved for it
    standing = await account_known()
    assert standing and standing["on_order_minor"] == 5000  # the held order is not counted

    approve = hub.url("order-router", f"/orders/{order_id}/approve")
    # A read-only token does not approve.
    assert (await client.post(approve, json={"approved_by": "finance"})).status_code == 403
    auth = {"Authorization": f"Bearer {hub.admin_token}"}
    done = await client.post(
        approve, json={"approved_by": "finance", "note": "paid by wire"}, headers=auth
    )
    assert done.status_code == 200, done.text
    routed = await hub.order_in(client, order_id, {"reserved", "sent_to_fulfilment"})
    assert any(e["event_type"] == "OrderApproved" for e in routed["timeline"])
    again = await client.post(approve, json={"approved_by": "finance"}, headers=auth)
    assert again.status_code == 409 and "not held" in again.text


async def test_a_new_storefront_account_reaches_the_erp_once(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    customer_id = int(uuid.uuid4().int % 10**12)
    email = f"new-{customer_id}@shop.test"
    payload = {
        "id": customer_id,
        "email": email,
        "first_name": "Ada",
        "last_name": "Lovelace",
        "default_address": {"company": "Analytical Engines"},
    }
    hook = signed_shopify(payload, hub.shop, hub.shopify_secret, topic="customers/create")
    assert (await hub.deliver(client, hook)).json()["status"] == "accepted"
    assert (await hub.deliver(client, hook)).json()["status"] == "duplicate"

    async def in_the_erp() -> list[dict] | None:
        found = (await client.get(hub.url("erp", "/_accounts"))).json()
        return [a for a in found if a["email"] == email] or None

    [created] = await eventually(in_the_erp)
    assert (created["name"], created["company"]) == ("Ada Lovelace", "Analytical Engines")

    async def numbered() -> str | None:
        # The ERP answers with its number; the gateway records it a moment later.
        exported = (await client.get(hub.url("storefront-gateway", "/erp/accounts"))).json()
        mine = [a for a in exported["accounts"] if a["channel_ref"] == str(customer_id)]
        return mine[0]["erp_number"] if mine else None

    assert await eventually(numbered) == created["number"]


async def test_a_new_account_without_an_email_is_refused(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    hook = signed_shopify(
        {"id": 1, "first_name": "Anon"}, hub.shop, hub.shopify_secret, topic="customers/create"
    )
    response = await hub.deliver(client, hook)
    assert response.status_code == 422 and "email" in response.text
