"""Use case: goods came back from a customer — sellable units return to stock, damaged
ones are written off (recorded, never counted as available)."""

from services.inventory_ledger import repository
from services.inventory_ledger.handlers import level_changed
from shared.db import UnitOfWork
from shared.events.returns import ReturnReceived


async def restock_return(event: ReturnReceived, uow: UnitOfWork, consumer: str) -> None:
    async with uow:
        if not await uow.inbox.claim(consumer, event.event_id):
            return
        for line in sorted(event.lines, key=lambda line: (line.sku, line.condition)):
            row = await repository.receive_back(
                uow.connection,
                line.sku,
                event.location,
                line.quantity if line.condition == "sellable" else 0,
            )
            if line.condition == "sellable":
                await repository.record_movement(
                    uow.connection, row, "return", line.quantity, 0, event.order_id, event.event_id
                )
                await uow.outbox.add(level_changed(row, event), key=row.sku)
            else:
                await repository.record_movement(
                    uow.connection, row, "write_off", 0, 0, event.order_id, event.event_id
                )
        await uow.commit()
