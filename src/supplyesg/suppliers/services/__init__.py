"""Supplier services: every write that matters, one audited function each."""
