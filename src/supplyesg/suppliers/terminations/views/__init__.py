"""Termination and suspension pages."""
