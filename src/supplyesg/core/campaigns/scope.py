"""Which suppliers a campaign asks: the criteria every kind shares, applied to the kind's supplier queryset.

Core does not import the supplier model; a kind passes its base queryset (approved suppliers) and the engine
filters it by the fields every supplier has (`tier`, `country`, `categories`). A criterion given as None is not
used; given as an empty list it matches nobody (e.g. "suppliers whose categories involve gold" when no
category mentions gold). Criteria narrow each other; suppliers named by hand are added to the result.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Scope:
    everyone: bool = False
    tiers: Iterable[int] | None = None
    category_ids: Iterable[int] | None = None
    category_codes: Iterable[str] | None = None
    countries: Iterable[str] | None = None
    supplier_ids: Iterable[int] = ()  # named by hand, always included
    # more criteria a kind adds (e.g. the latest risk level): each takes and returns a supplier queryset
    narrowing: tuple[Callable, ...] = field(default_factory=tuple)

    @property
    def criteria(self) -> list:
        given = [c for c in (self.tiers, self.category_ids, self.category_codes, self.countries) if c is not None]
        return given + list(self.narrowing)

    @property
    def is_empty(self) -> bool:
        return not (self.everyone or self.criteria or list(self.supplier_ids))


def select_suppliers(base, scope: Scope):
    """The suppliers of `base` (a Supplier queryset, e.g. approved ones) the scope asks, each once."""
    named = list(scope.supplier_ids)
    if scope.everyone:
        return base
    if not scope.criteria:
        return base.filter(pk__in=named) if named else base.none()
    chosen = base
    if scope.tiers is not None:
        chosen = chosen.filter(tier__in=list(scope.tiers))
    if scope.countries is not None:
        chosen = chosen.filter(country__in=[c.upper() for c in scope.countries])
    through = base.model.categories.through.objects
    if scope.category_ids is not None:
        chosen = chosen.filter(pk__in=through.filter(category_id__in=list(scope.category_ids)).values("supplier_id"))
    if scope.category_codes is not None:
        chosen = chosen.filter(
            pk__in=through.filter(category__code__in=list(scope.category_codes)).values("supplier_id")
        )
    for narrow in scope.narrowing:
        chosen = narrow(chosen)
    if named:
        return base.filter(pk__in=chosen.values("pk")) | base.filter(pk__in=named)
    return chosen
