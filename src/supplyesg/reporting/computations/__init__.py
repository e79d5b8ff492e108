"""The computations catalogue line items name. Each module of this package registers its own with
`@computation("key")`; `load_all` imports every module once at start-up (AppConfig.ready)."""

import pkgutil
from importlib import import_module

from supplyesg.reporting.computations.base import REGISTRY, Result, Row, Scope, computation, percent


def load_all() -> None:
    for info in pkgutil.iter_modules(__path__):
        if info.name != "base" and not info.name.startswith("_"):
            import_module(f"{__name__}.{info.name}")


__all__ = ["REGISTRY", "Result", "Row", "Scope", "computation", "load_all", "percent"]
