"""Sanctions lists and screening: list versions, matching suppliers and smelters against them, hits and decisions."""
