import asyncio
import uuid
from pathlib import Path

from shared.db import UnitOfWork
from shared.migrations import migrate

ROOT = Path(__file__).resolve().parents[2]
KIT = ROOT / "shared" / "sql"
LEDGER = ROOT / "services" / "inventory_ledger" / "migrations"


async def test_inbox_claims_an_event_once_per_consumer(ledger_pool) -> None:
    event_id = uuid.uuid4()
    async with UnitOfWork(ledger_pool, "inventory-ledger", "") as uow:
        first = await uow.inbox.claim("consumer-a", event_id)
        again = await uow.inbox.claim("consumer-a", event_id)
        other = await uow.inbox.claim("consumer-b", event_id)
        await uow.commit()
    assert (first, again, other) == (True, False, True)


async def test_an_inbox_claim_rolled_back_with_its_effect_can_be_claimed_again(ledger_pool) -> None:
    event_id = uuid.uuid4()
    async with UnitOfWork(ledger_pool, "inventory-ledger", "") as uow:
        assert await uow.inbox.claim("c", event_id)
        # leaving without commit: the effect failed, so the claim must not stick
    async with UnitOfWork(ledger_pool, "inventory-ledger", "") as uow:
        assert await uow.inbox.claim("c", event_id)
        await uow.commit()


async def test_migrations_apply_once_even_when_replicas_start_together(ledger_pool) -> None:
    async def run() -> list[str]:
        async with ledger_pool.acquire() as conn:
            return await migrate(conn, "inventory_ledger", "services.inventory_ledger.migrations")

    results = await asyncio.gather(run(), run(), run())

    assert results == [[], [], []], "already applied by the fixture; nothing applies twice"
    versions = await ledger_pool.fetch("SELECT version FROM schema_migrations ORDER BY version")
    on_disk = [f"kit/{p.name}" for p in sorted(KIT.glob("*.sql"))] + [
        f"service/{p.name}" for p in sorted(LEDGER.glob("*.sql"))
    ]
    assert [v["version"] for v in versions] == on_disk
    assert "service/0001_stock.sql" in on_disk


async def test_stock_can_never_be_reserved_beyond_what_is_on_hand(ledger_pool) -> None:
    sku = f"CHK-{uuid.uuid4().hex[:6]}"
    await ledger_pool.execute("INSERT INTO stock (sku, location, on_hand) VALUES ($1, 'l', 1)", sku)
    try:
        await ledger_pool.execute("UPDATE stock SET reserved = 2 WHERE sku = $1", sku)
    except Exception as exc:
        assert "stock_never_oversold" in str(exc)
    else:
        raise AssertionError("the CHECK constraint let stock be oversold")
