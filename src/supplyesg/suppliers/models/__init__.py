from supplyesg.suppliers.models.compliance import BlacklistEntry, Document, DocumentRule, DocumentWaiver
from supplyesg.suppliers.models.lifecycle import (
    AgreementType,
    Certification,
    ExitRecord,
    QualificationEvidenceFile,
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
from supplyesg.suppliers.models.summary import RISK_ORDER, SupplierSummary
from supplyesg.suppliers.models.tally import SupplierTally
from supplyesg.suppliers.sanctions.models import SanctionsEntry, SanctionsHit, SanctionsList, SanctionsListVersion
from supplyesg.suppliers.terminations.models import Suspension, TerminationCase

__all__ = [
    "RISK_ORDER",
    "SupplierSummary",
    "SupplierTally",
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
    "QualificationEvidenceFile",
    "QualificationItem",
    "SanctionsEntry",
    "SanctionsHit",
    "SanctionsList",
    "SanctionsListVersion",
    "SignedAgreement",
    "Site",
    "Supplier",
    "SupplyLink",
    "Suspension",
    "TerminationCase",
]
