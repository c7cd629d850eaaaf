"""Suite-wide fixtures: the real Kafka and PostgreSQL every non-unit test runs on."""

from collections.abc import Iterator

import pytest

from tests.support.infra import Infra, infrastructure


@pytest.fixture(scope="session")
def infra() -> Iterator[Infra]:
    with infrastructure() as found:
        yield found
