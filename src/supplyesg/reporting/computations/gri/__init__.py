"""GRI 308 / 414 (supplier environmental and social assessment) and GRI 2-25 (processes to remediate negative
impacts), computed from the product's suppliers, screenings, audits, ratings, terminations and grievances."""

from supplyesg.reporting.computations.gri import impacts, remediation, screening

__all__ = ["impacts", "remediation", "screening"]
