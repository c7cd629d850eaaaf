"""Legacy file feeds: inventory snapshots from a drop folder (overwriting the ledger) and
from an SFTP server (only reporting differences); good rows go through, bad ones are
reported by line, nothing is lost."""

import asyncio
import json
import uuid
from pathlib import Path

import asyncssh
import httpx

from tests.support.hub import Hub
from tests.support.waiting import eventually


async def test_a_dropped_snapshot_overwrites_the_ledger_and_reports_its_bad_rows(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    tag = uuid.uuid4().hex[:6].upper()
    mug, tee, gone = f"MUG-{tag}", f"TEE-{tag}", f"GONE-{tag}"
    await hub.set_stock(client, mug, "wh-1", 4)
    await hub.set_stock(client, tee, "wh-1", 9)
    text = (
        "\ufeffItem No;Description;Qty On Hand\r\n"
        f'{mug};"Mug; white, 350 ml";12\r\n'
        f"{tee};Tee;ten\r\n"
        "\r\n"
        f'{mug};"Mug; white, 350 ml";12\r\n'
        f"{gone};Gone;0\r\n"
    )
    drop = hub.workdir / "drop"
    drop.mkdir(exist_ok=True)
    (drop / f"counts-{tag}.csv.part").write_text(text, encoding="utf-8", newline="")
    (drop / f"counts-{tag}.csv.part").rename(drop / f"counts-{tag}.csv")  # appears whole

    report_file = drop / "processed" / f"counts-{tag}.csv.report.json"
    await eventually(lambda: _exists(report_file))
    report = json.loads(report_file.read_text())
    assert report["applied"] == 1  # the mug
    assert report["problems"][0] == {
        "line": 3,
        "reason": "qty on hand: 'ten' is not a whole number",
    }
    # A SKU the ledger does not know is never created, even at zero; the hint is a guess.
    [unknown] = report["problems"][1:]
    assert unknown["line"] == 6 and unknown["reason"].startswith(
        f"{gone} is not a SKU the ledger knows"
    )
    assert report["skipped"] == [{"line": 5, "reason": "repeats line 2"}]
    assert (await hub.stock(client, mug))["on_hand"] == 12
    assert (await hub.stock(client, tee))["on_hand"] == 9  # its bad row changed nothing
    assert (await client.get(hub.url("inventory-ledger", f"/stock/{gone}"))).status_code == 404
    files = (
        await client.get(
            hub.url("inventory-ledger", "/feeds/files"), params={"feed": "drop-counts"}
        )
    ).json()
    assert any(f["name"] == f"counts-{tag}.csv" for f in files["files"])


async def dropped(hub: Hub, name: str, data: bytes) -> dict:
    """Drop a file whole into the overwriting feed's folder; its report, once written."""
    drop = hub.workdir / "drop"
    drop.mkdir(exist_ok=True)
    (drop / f"{name}.part").write_bytes(data)
    (drop / f"{name}.part").rename(drop / name)
    report_file = drop / "processed" / f"{name}.report.json"
    await eventually(lambda: _exists(report_file))
    return dict(json.loads(report_file.read_text()))


async def test_a_snapshot_s_ambiguous_unknown_not_stocked_and_negative_rows(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    """A Windows export (cp1252: the ü), two rows contradicting each other, a misspelt
    SKU, a SKU no longer stocked here and a negative count, in one file."""
    tag = uuid.uuid4().hex[:6].upper()
    twice, dropped_sku, short, kept = (f"{s}-{tag}" for s in ("TWICE", "DROPPED", "SHORT", "KEPT"))
    for sku in (twice, dropped_sku, short, kept):
        await hub.set_stock(client, sku, "wh-1", 5)
    text = (
        "Item No;Description;Qty On Hand\r\n"
        f"{twice};Tasse grün;3\r\n"
        f"{kept};Müsli;7\r\n"
        f"{twice};Tasse grün;4\r\n"
        f"KEPD-{tag};Müsli (typo);7\r\n"
        f"{dropped_sku};Alt;Not Stocked\r\n"
        f"{short};Kurz;-2\r\n"
    )
    report = await dropped(hub, f"counts-{tag}.csv", text.encode("cp1252"))

    assert report["encoding"] == "cp1252"
    problems = {p["line"]: p["reason"] for p in report["problems"]}
    assert problems[2] == problems[4] == f"{twice} at wh-1 is counted differently on lines 2, 4"
    assert problems[5] == f"KEPD-{tag} is not a SKU the ledger knows (nearest: {kept})"
    assert report["alerts"] == [{"line": 7, "sku": short, "location": "wh-1", "count": -2}]
    assert report["applied"] == 2  # the müsli, and the one no longer stocked
    assert (await hub.stock(client, kept))["on_hand"] == 7
    assert (await hub.stock(client, dropped_sku))["on_hand"] == 0
    for untouched in (twice, short):
        assert (await hub.stock(client, untouched))["on_hand"] == 5
    assert (await client.get(hub.url("inventory-ledger", f"/stock/KEPD-{tag}"))).status_code == 404


async def _exists(path: Path) -> bool:
    return await asyncio.to_thread(path.exists)


async def test_an_sftp_snapshot_in_report_mode_lists_differences_and_changes_nothing(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    tag = uuid.uuid4().hex[:6].upper()
    sku = f"CNT-{tag}"
    await hub.set_stock(client, sku, "wh-2", 7)
    text = f"sku,location,quantity\n{sku},wh-2,5\n{sku}-X,nowhere,1\n"
    async with (
        asyncssh.connect(
            "127.0.0.1",
            port=hub.ports["sftp"],
            username="legacy",
            password=hub.store_keys["sftp"],
            known_hosts=None,
        ) as conn,
        conn.start_sftp_client() as sftp,
    ):
        if not await sftp.exists("/counts"):
            await sftp.mkdir("/counts")
        async with sftp.open(f"/counts/snapshot-{tag}.csv", "w") as remote:
            await remote.write(text)

        async def report() -> dict | None:
            name = f"/counts/processed/snapshot-{tag}.csv.report.json"
            if not await sftp.exists(name):
                return None
            async with sftp.open(name) as remote:
                return json.loads(await remote.read())

        found = await eventually(report)
    assert found["applied"] == 0
    assert found["differences"] == [
        {"line": 2, "sku": sku, "location": "wh-2", "ledger": 7, "counted": 5}
    ]
    assert found["problems"] == [
        {"line": 3, "reason": "location 'nowhere' is not one the ledger knows"}
    ]
    assert (await hub.stock(client, sku))["on_hand"] == 7


SHOP_A = "Receiving,12 Dock Road,Newark,07114"


async def test_an_order_export_places_its_orders_and_quarantines_the_unmappable_one(
    hub: Hub, client: httpx.AsyncClient
) -> None:
    tag = uuid.uuid4().hex[:6].upper()
    sku = f"WHS-{tag}"
    await hub.set_stock(client, sku, "wh-1", 20)
    xref = await client.put(
        hub.url("storefront-gateway", "/xref"),
        content=f"sku,item_number\n{sku},IN-{tag}\n".encode(),
        headers={"Authorization": f"Bearer {hub.admin_token}"},
    )
    assert xref.status_code == 200
    text = (
        "Order No,Line,Item Number,Description,Qty,Line Total,Customer,Email,"
        "Ship To,Ship To Street,Ship To City,Ship To Postcode\r\n"
        f'W-{tag}-1,1,IN-{tag},"Crate, pine",3,45.00,Shop A,a@shop.test,{SHOP_A}\r\n'
        f'W-{tag}-1,2,IN-{tag},"Crate, pine",1,15.00,Shop A,a@shop.test,{SHOP_A}\r\n'
        f"W-{tag}-2,1,IN-NOPE,Lamp,1,20.00,Shop B,b@shop.test,{SHOP_A}\r\n"
        f",1,IN-{tag},Crate,1,15.00,Shop C,c@shop.test,{SHOP_A}\r\n"
    )
    folder = hub.workdir / "orders"
    await asyncio.to_thread(folder.mkdir, exist_ok=True)
    staged = folder / f"export-{tag}.csv.part"
    await asyncio.to_thread(staged.write_text, text, "utf-8")
    await asyncio.to_thread(staged.rename, folder / f"export-{tag}.csv")

    report_file = folder / "processed" / f"export-{tag}.csv.report.json"
    await eventually(lambda: _exists(report_file))
    report = json.loads(await asyncio.to_thread(report_file.read_text))
    assert report["applied"] == 1
    assert report["problems"] == [
        {"line": 5, "reason": "order no: empty"},
        {
            "line": 4,
            "reason": f"order W-{tag}-2 (lines 4): order.lines[0].sku: unknown item_number"
            " 'IN-NOPE' (no SKU in the cross-reference)",
        },
    ]
    order = await hub.settled_order(client, hub.order_id("wholesale-test", f"W-{tag}-1"))
    assert [(x["quantity"], x["gross_minor"]) for x in order["lines"]] == [(3, 4500), (1, 1500)]
    assert order["totals"]["total_minor"] == 6000
