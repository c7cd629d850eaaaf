"""3PLs are configuration: where their API is, and the two keys of each conversation."""

import hmac
import os
from pathlib import Path
from typing import Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator


class FulfillerConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")
    base_url: str = Field(pattern=r"^https?://")
    api_key_env: str = Field(description="Variable holding the key we present to the 3PL.")
    inbound_key_env: str = Field(description="Variable holding the key the 3PL presents to us.")
    timeout_seconds: float = 5.0
    edi_id: str | None = Field(
        None,
        min_length=1,
        max_length=15,
        description="The 3PL's X12 interchange id (ISA06), when it sends 856 ship notices.",
    )


class FulfillerError(ValueError):
    """The fulfillers file is invalid or a key is missing from the environment."""


class Fulfillers:
    def __init__(self, configs: tuple[FulfillerConfig, ...], env: dict[str, str]) -> None:
        self._by_id = {c.id: c for c in configs}
        self._api_keys = {c.id: env[c.api_key_env] for c in configs}
        self._inbound = [(env[c.inbound_key_env].encode(), c.id) for c in configs]

    def get(self, fulfiller_id: str) -> FulfillerConfig | None:
        return self._by_id.get(fulfiller_id)

    def lease_seconds(self) -> float:
        """How long a sender holds a shipment it works on: the two calls a cancellation
        may make to the slowest 3PL, with room to record the outcome. A sender killed
        mid-call leaves its shipments to the others after this long."""
        slowest = max((c.timeout_seconds for c in self._by_id.values()), default=5.0)
        return 2 * slowest + 10.0

    def api_key(self, fulfiller_id: str) -> str:
        return self._api_keys[fulfiller_id]

    def authenticate(self, presented: str | None) -> str | None:
        """The 3PL whose inbound key this is; every key is compared, in constant time."""
        if not presented:
            return None
        found = None
        for key, fulfiller_id in self._inbound:
            if hmac.compare_digest(key, presented.encode()):
                found = fulfiller_id
        return found

    @classmethod
    def load(cls, path: Path, environ: dict[str, str] | None = None) -> Self:
        env = dict(os.environ if environ is None else environ)
        try:
            parsed = _FulfillersFile.model_validate(yaml.safe_load(path.read_text()))
        except (OSError, yaml.YAMLError, ValidationError) as exc:
            raise FulfillerError(f"{path}: {exc}") from exc
        names = [n for c in parsed.fulfillers for n in (c.api_key_env, c.inbound_key_env)]
        missing = [n for n in names if not env.get(n)]
        if missing:
            raise FulfillerError(f"{path}: keys not set in the environment: {', '.join(missing)}")
        inbound = [env[c.inbound_key_env] for c in parsed.fulfillers]
        if len(set(inbound)) != len(inbound):
            # A shared key would let one 3PL act as another: each needs its own.
            raise FulfillerError(f"{path}: two 3PLs have the same inbound key")
        return cls(parsed.fulfillers, env)


class _FulfillersFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    fulfillers: tuple[FulfillerConfig, ...]

    @model_validator(mode="after")
    def _unique(self) -> Self:
        ids = [c.id for c in self.fulfillers]
        if len(ids) != len(set(ids)):
            raise ValueError("fulfiller ids must be unique")
        return self
