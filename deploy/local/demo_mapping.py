"""The demo's mapping part: a social shop connected by a mapping file alone sends two
orders; the one naming an item number nobody knows is quarantined with the reason; the
cross-reference learns it; the replay places it — once."""

import hashlib
import hmac
import json
import random
from typing import Any

import httpx

GATEWAY = "http://127.0.0.1:8000"

# Where the social shop says the parcel goes (config/mappings/social-shop.yaml).
SOCIAL_RECIPIENT = {
    "name": "Zoë Example",
    "address_line1": "233 S Wacker Dr",
    "city": "Chicago",
    "state": "IL",
    "postal_code": "60606",
    "region_code": "US",
}


def order(ref: str, item: str, quantity: int) -> dict[str, Any]:
    return {
        "event_id": f"evt-{ref}",
        "type": "ORDER_PLACED",
        "data": {
            "order_id": ref,
            "payment": {"currency": "USD", "total": f"{24 * quantity}.00"},
            "recipient": SOCIAL_RECIPIENT,
            "buyer": {"email": "buyer@social.example"},
            "items": [
                {
                    "line_id": 1,
                    "seller_sku": item,
                    "product_name": "Tee",
                    "quantity": quantity,
                    "unit_price": "24.00",
                }
            ],
        },
    }


async def social_shop(client: httpx.AsyncClient, secrets: dict[str, str]) -> None:
    admin = {"Authorization": f"Bearer {secrets['CROSSDOCK_ADMIN_TOKEN']}"}
    xref = "sku,item_number\nTEE-BLK-M,IT-1001\n"
    await client.put(f"{GATEWAY}/xref", content=xref.encode(), headers=admin)
    run = random.randrange(10**5, 10**6)
    print("\nA social shop, connected by config/mappings/social-shop.yaml alone")
    fresh = f"IT-{run}"  # an item number the hub has never heard of
    for ref, item in ((f"SS-{run}-1", "IT-1001"), (f"SS-{run}-2", fresh)):
        body = json.dumps(order(ref, item, 1)).encode()
        secret = secrets["CROSSDOCK_SECRET_SOCIAL_DEMO"].encode()
        headers = {
            "content-type": "application/json",
            "X-Social-Signature": hmac.new(secret, body, hashlib.sha256).hexdigest(),
            "X-Social-Shop-Id": "SOC-DEMO",
        }
        answer = (
            await client.post(f"{GATEWAY}/webhooks/json/social-demo", content=body, headers=headers)
        ).json()
        print(
            f"  order {ref} ({item}): {answer['status']}"
            + (f" — {answer['reason']}" if answer["reason"] else "")
        )
    reason = f"order.lines[0].sku: unknown item_number '{fresh}' (no SKU in the cross-reference)"
    print("  `crossdock quarantine list`:")
    for group in (await client.get(f"{GATEWAY}/quarantine")).json()["by_reason"][:3]:
        print(f"    {group['reason']} — {group['count']}")
    learnt = f"sku,item_number\nTEE-BLK-L,{fresh}\n".encode()
    await client.put(f"{GATEWAY}/xref", content=learnt, headers=admin)
    done = (
        await client.post(f"{GATEWAY}/quarantine/replay", json={"reason": reason}, headers=admin)
    ).json()
    replayed, accepted = done["replayed"], done["accepted"]
    print(
        f"  {fresh} is TEE-BLK-L in the cross-reference now:"
        f" replayed {replayed}, accepted {accepted}"
    )
