"""Locations are configuration: own warehouses, 3PL warehouses, physical stores."""

from enum import StrEnum
from pathlib import Path
from typing import Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator


class LocationKind(StrEnum):
    WAREHOUSE = "warehouse"
    THIRD_PARTY = "3pl"
    STORE = "store"


class Location(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    kind: LocationKind
    fulfiller: str = Field(description="Id of the 3PL/system that ships from here.")
    countries: tuple[str, ...] = Field(description="ISO 3166 countries this location serves.")
    priority: int = Field(description="Lower is preferred among locations serving a country.")


class LocationError(ValueError):
    """The locations file is missing or invalid."""


class _LocationsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    locations: tuple[Location, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Self:
        ids = [loc.id for loc in self.locations]
        if len(ids) != len(set(ids)):
            raise ValueError("location ids must be unique")
        return self


def load_locations(path: Path) -> tuple[Location, ...]:
    try:
        return _LocationsFile.model_validate(yaml.safe_load(path.read_text())).locations
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise LocationError(f"{path}: {exc}") from exc
