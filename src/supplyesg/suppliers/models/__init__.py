from supplyesg.suppliers.models.compliance import BlacklistEntry, Document, DocumentRule, DocumentWaiver
from supplyesg.suppliers.models.lifecycle import (
    AgreementType,
    Certification,
    ExitRecord,
    QualificationItem,
    SignedAgreement,
)
from supplyesg.suppliers.models.registry import (
    Category,
    Contact,
    DuplicateDecision,
    ProfileChangeRequest,
    Site,
    Supplier,
    SupplyLink,
)
from supplyesg.suppliers.models.terminations import Suspension, TerminationCase

__all__ = [
    "AgreementType",
    "BlacklistEntry",
    "Category",
    "Certification",
    "Contact",
    "Document",
    "DocumentRule",
    "DocumentWaiver",
    "DuplicateDecision",
    "ExitRecord",
    "ProfileChangeRequest",
    "QualificationItem",
    "SignedAgreement",
    "Site",
    "Supplier",
    "SupplyLink",
    "Suspension",
    "TerminationCase",
]
