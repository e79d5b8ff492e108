"""Audit forms: planning and conducting an audit (audits), corrective actions and training (corrective)."""
