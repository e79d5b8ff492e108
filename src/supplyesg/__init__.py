"""SupplyESG: supply-chain ESG management and responsible-minerals due diligence."""

__version__ = "0.1.0"
