from django.conf import settings
from django.core.checks import Error, register

from supplyesg.grievances import keyring


@register()
def grievance_keys(app_configs, **kwargs):
    """Reports encrypted under a key derived from SECRET_KEY become unreadable when SECRET_KEY is rotated."""
    if not keyring.uses_derived_keys():
        try:
            keyring.key_encryption_key()
            keyring.receipt_salt()
        except Exception as exc:  # noqa: BLE001 - the message is the answer
            return [Error(str(exc), id="grievances.E002")]
        return []
    message = (
        "SUPPLYESG_GRIEVANCE_KEY and SUPPLYESG_GRIEVANCE_RECEIPT_SALT are not set: grievance reports are encrypted with "
        "keys derived from SECRET_KEY (see grievances/THREAT_MODEL.md)."
    )
    if getattr(settings, "PRODUCTION", False):
        return [
            Error(message, hint="Generate both with os.urandom and keep them outside the database backups.", id="grievances.E001")
        ]
    return []  # development and tests: derived keys are expected
