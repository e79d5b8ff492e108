"""The deterministic demo data set behind `supplyesg load_demo`.

`plan.build_plan()` is pure: a fixed seed gives the same suppliers, names, registration ids, statuses, links
and documents on every run; dates are whole days before or after today. `writer.load_demo()` writes the plan
in bulk in one transaction (seconds on SQLite) together with the audit-trail rows the services would have
written, so every supplier has its status history. The companies are fictitious; web and e-mail domains use
`.example`.
"""

from supplyesg.suppliers.demo.plan import SEED, DemoPlan, DemoSupplier, build_plan
from supplyesg.suppliers.demo.words import USERS
from supplyesg.suppliers.demo.writer import PASSWORD, DemoOutcome, DemoRefused, demo_is_loaded, load_demo, pdf_bytes

__all__ = [
    "PASSWORD", "SEED", "USERS", "DemoOutcome", "DemoPlan", "DemoRefused", "DemoSupplier", "build_plan", "demo_is_loaded",
    "load_demo", "pdf_bytes",
]
