"""Available-to-sell, buffers, the rate budget and channel stock settings."""

import pytest

from services.storefront_gateway.channels import ChannelConfig, StockSync
from services.storefront_gateway.connectors.budget import RateBudget
from services.storefront_gateway.sync.domain import available_to_sell, held_back


@pytest.mark.parametrize(
    ("total", "buffer", "shown"),
    [(10, 0, 10), (10, 2, 8), (1, 2, 0), (0, 2, 0), (15, "10%", 13), (3, "10%", 2), (0, "10%", 0)],
)
def test_available_to_sell_holds_back_the_buffer_and_is_never_negative(
    total: int, buffer: int | str, shown: int
) -> None:
    assert available_to_sell(total, buffer) == shown


def test_a_percentage_buffer_rounds_up_to_whole_units() -> None:
    assert held_back(3, "10%") == 1
    assert held_back(20, "12.5%") == 3


def test_a_sku_buffer_overrides_the_channels() -> None:
    stock = StockSync(buffer=1, sku_buffers={"RARE": "50%"})
    assert stock.buffer_for("RARE") == "50%"
    assert stock.buffer_for("OTHER") == 1


def test_a_channel_sells_from_its_locations_or_from_all() -> None:
    assert StockSync(locations=("store-1",)).serves("store-1")
    assert not StockSync(locations=("store-1",)).serves("wh-1")
    assert StockSync().serves("anywhere")


def test_stock_sync_needs_the_channel_api() -> None:
    with pytest.raises(ValueError, match="needs api_url"):
        ChannelConfig(id="m1", platform="marketplace", shop="S1", secret_env="X", stock=StockSync())


def test_a_malformed_buffer_is_refused() -> None:
    with pytest.raises(ValueError):
        StockSync(buffer="ten percent")


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_budget_allows_a_burst_then_the_rate() -> None:
    clock = Clock()
    budget = RateBudget(per_second=2, burst=3, clock=clock)
    assert budget.available() == 3
    budget._tokens = 0  # spent the burst
    assert budget.wait_seconds() == pytest.approx(0.5)
    clock.now += 0.5
    assert budget.available() == 1


def test_a_retry_after_pauses_the_budget() -> None:
    clock = Clock()
    budget = RateBudget(per_second=10, burst=10, clock=clock)
    budget.pause(3)
    assert budget.available() == 0
    assert budget.wait_seconds() == pytest.approx(3)
    clock.now += 3
    assert budget.available() >= 1


def test_shopify_figures_slow_the_budget_near_the_top() -> None:
    clock = Clock()
    budget = RateBudget(per_second=10, burst=10, clock=clock)
    budget.observe_call_limit(used=39, limit=40, leak_per_second=2)
    assert budget.wait_seconds() == pytest.approx(1.0)
    relaxed = RateBudget(per_second=10, burst=10, clock=clock)
    relaxed.observe_cost(available=900, maximum=1000, restore_rate=50)
    assert relaxed.wait_seconds() == 0
    relaxed.observe_cost(available=50, maximum=1000, restore_rate=50)
    assert relaxed.wait_seconds() == pytest.approx(1.0)
