"""The audits JSON API: audits (programme, findings, reports) and corrective actions; one router each."""
