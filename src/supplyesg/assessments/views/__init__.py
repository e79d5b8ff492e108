"""Questionnaire campaign and response pages (campaigns) and the supplier portal's questionnaires (portal)."""
