"""Audit results as an input of the risk assessment (registered in AuditsConfig.ready)."""

from collections.abc import Sequence


def audit_inputs(supplier_ids: Sequence[int], year: int) -> dict:
    """Placeholder until the audits service lands in this change: no audit data for anyone."""
    return {}
