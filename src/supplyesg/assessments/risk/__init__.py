"""Annual supplier risk identification: batch inputs, the pure rules, yearly assessments, worklist and overrides."""
