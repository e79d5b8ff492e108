"""Sanctions screening of suppliers and the subjects other apps register (smelters)."""
