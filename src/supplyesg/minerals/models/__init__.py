"""Minerals models, all in app label "minerals": reference data, campaigns and risk cases."""

from supplyesg.minerals.campaigns.models import (
    Campaign,
    CompanyDeclaration,
    DeclarationNameFinding,
    SmelterReview,
    Submission,
    SubmissionRequest,
    SubmissionSmelter,
    TemplateType,
)
from supplyesg.minerals.cases.models import RiskCase, RiskCaseStep
from supplyesg.minerals.models.figures import DashboardSnapshot, SupplierRedFlags
from supplyesg.minerals.models.reference import (
    Metal,
    MineralTerm,
    RiskCountry,
    RmapStatus,
    RmapStatusUpload,
    Smelter,
    SmelterAlias,
    SmelterListLoad,
)
from supplyesg.minerals.models.storage import StoredWorkbook, WorkbookPiece

__all__ = [
    "Campaign",
    "CompanyDeclaration",
    "DashboardSnapshot",
    "DeclarationNameFinding",
    "Metal",
    "MineralTerm",
    "RiskCase",
    "RiskCaseStep",
    "RiskCountry",
    "RmapStatus",
    "RmapStatusUpload",
    "Smelter",
    "SmelterAlias",
    "SmelterListLoad",
    "SmelterReview",
    "Submission",
    "SubmissionRequest",
    "StoredWorkbook",
    "SubmissionSmelter",
    "SupplierRedFlags",
    "TemplateType",
    "WorkbookPiece",
]
