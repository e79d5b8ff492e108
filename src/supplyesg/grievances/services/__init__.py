"""Grievance writes: intake (the reporter), cases (handlers, custodians), retention."""
