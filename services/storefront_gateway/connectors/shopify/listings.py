"""Shopify listings over the GraphQL Admin API: prices (`productVariantsBulkUpdate`),
details (`productUpdate` and the variants' barcode and weight) and new products
(`productSet`), each batch as one document of aliased mutations."""

from abc import abstractmethod
from collections.abc import Callable
from typing import Any

from services.storefront_gateway.connectors.budget import RateBudget
from services.storefront_gateway.connectors.errors import Refused
from services.storefront_gateway.connectors.stock import ListingPush, Results, price_fields

Variant = Callable[[ListingPush], dict[str, Any]]


class ShopifyListings:
    @abstractmethod
    async def query(self, budget: RateBudget, query: str, variables: dict[str, Any]) -> Any:
        """Run one GraphQL document; the data, or an error raised."""

    async def set_prices(self, budget: RateBudget, pushes: list[ListingPush]) -> Results:
        """One `productVariantsBulkUpdate` per product, all in one document."""

        def variant(p: ListingPush) -> dict[str, Any]:
            price, compare_at = price_fields(p.payload)
            return {"id": p.listing["variant_id"], "price": price, "compareAtPrice": compare_at}

        return await self._per_product(budget, pushes, variant, with_details=False)

    async def set_details(self, budget: RateBudget, pushes: list[ListingPush]) -> Results:
        """Title and description on the product (`productUpdate`), barcode and weight on
        the variant (`productVariantsBulkUpdate`), in one document."""

        def variant(p: ListingPush) -> dict[str, Any]:
            grams = p.payload.get("weight_grams")
            item: dict[str, Any] = {"sku": p.sku}
            if grams is not None:
                item["measurement"] = {"weight": {"unit": "GRAMS", "value": grams}}
            return {
                "id": p.listing["variant_id"],
                "barcode": p.payload.get("barcode"),
                "inventoryItem": item,
            }

        return await self._per_product(budget, pushes, variant, with_details=True)

    async def create_listings(self, budget: RateBudget, pushes: list[ListingPush]) -> Results:
        """One `productSet` per product (SKUs sharing a product code become its variants,
        told apart by their options), all in one document."""
        groups: dict[str, list[ListingPush]] = {}
        for p in pushes:
            groups.setdefault(p.payload.get("product_code") or p.sku, []).append(p)
        fields: list[str] = []
        params: list[str] = []
        variables: dict[str, Any] = {}
        for n, members in enumerate(groups.values()):
            params.append(f"$s{n}: ProductSetInput!")
            variables[f"s{n}"] = _product_set(members)
            fields.append(
                f"s{n}: productSet(input: $s{n}, synchronous: true)"
                " { product { id } userErrors { field message } }"
            )
        data = await self.query(
            budget, f"mutation Create({', '.join(params)}) {{ {' '.join(fields)} }}", variables
        )
        results: Results = {}
        for n, members in enumerate(groups.values()):
            errors = (data.get(f"s{n}") or {}).get("userErrors", [])
            for m in members:
                results[m.sku] = _outcome(errors)
        return results

    async def _per_product(
        self, budget: RateBudget, pushes: list[ListingPush], variant: Variant, with_details: bool
    ) -> Results:
        usable = [p for p in pushes if "variant_id" in p.listing]
        results: Results = {
            p.sku: Refused("listing lacks variant ids; looking it up again")
            for p in pushes
            if p not in usable
        }
        groups: dict[str, list[ListingPush]] = {}
        for p in usable:
            groups.setdefault(p.listing["product_id"], []).append(p)
        if not groups:
            return results
        document, variables = _updates(groups, variant, with_details)
        data = await self.query(budget, document, variables)
        for n, members in enumerate(groups.values()):
            errors = [
                e for key in (f"v{n}", f"d{n}") for e in (data.get(key) or {}).get("userErrors", [])
            ]
            for m in members:
                results[m.sku] = _outcome(errors)
        return results


def _outcome(errors: list[dict[str, Any]]) -> Refused | None:
    return Refused("; ".join(e["message"] for e in errors)) if errors else None


def _updates(
    groups: dict[str, list[ListingPush]], variant: Variant, with_details: bool
) -> tuple[str, dict[str, Any]]:
    """One document: per product a `productVariantsBulkUpdate` (alias `vN`) and, for
    details, a `productUpdate` (alias `dN`)."""
    fields: list[str] = []
    params: list[str] = []
    variables: dict[str, Any] = {}
    for n, (product_id, members) in enumerate(groups.items()):
        params += [f"$p{n}: ID!", f"$v{n}: [ProductVariantsBulkInput!]!"]
        variables[f"p{n}"] = product_id
        variables[f"v{n}"] = [variant(m) for m in members]
        fields.append(
            f"v{n}: productVariantsBulkUpdate(productId: $p{n}, variants: $v{n})"
            " { userErrors { field message } }"
        )
        if with_details:
            first = members[0].payload
            params.append(f"$d{n}: ProductUpdateInput!")
            variables[f"d{n}"] = {
                "id": product_id,
                "title": first["title"],
                "descriptionHtml": first.get("description") or "",
            }
            fields.append(
                f"d{n}: productUpdate(product: $d{n}) {{ userErrors {{ field message }} }}"
            )
    return f"mutation Listings({', '.join(params)}) {{ {' '.join(fields)} }}", variables


def _product_set(members: list[ListingPush]) -> dict[str, Any]:
    first = members[0].payload
    names = list(dict.fromkeys(k for m in members for k in (m.payload.get("options") or {})))
    options = names or ["Title"]

    def values(m: ListingPush) -> list[dict[str, str]]:
        chosen = m.payload.get("options") or {}
        return [{"optionName": o, "name": str(chosen.get(o, "Default Title"))} for o in options]

    def variant(m: ListingPush) -> dict[str, Any]:
        grams = m.payload.get("weight_grams")
        item: dict[str, Any] = {"sku": m.sku, "tracked": True}
        if grams is not None:
            item["measurement"] = {"weight": {"unit": "GRAMS", "value": grams}}
        return {
            "optionValues": values(m),
            "barcode": m.payload.get("barcode"),
            "inventoryItem": item,
        }

    return {
        "title": first["title"],
        "descriptionHtml": first.get("description") or "",
        "productOptions": [
            {
                "name": o,
                "values": [{"name": v["name"]} for v in _unique(values(m)[i] for m in members)],
            }
            for i, o in enumerate(options)
        ],
        "variants": [variant(m) for m in members],
    }


def _unique(items: Any) -> list[dict[str, str]]:
    seen: dict[str, dict[str, str]] = {}
    for item in items:
        seen.setdefault(item["name"], item)
    return list(seen.values())
