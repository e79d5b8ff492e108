from django.utils.functional import SimpleLazyObject

from supplyesg.core.access import Cap, can
from supplyesg.core.portal import portal_sections


def navigation(request):
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    return {
        "is_internal": user.is_internal,
        "is_supplier_user": user.is_supplier_user,
        "can_edit_suppliers": can(user, Cap.EDIT_SUPPLIERS),
        "can_lifecycle": can(user, Cap.LIFECYCLE),
        "can_review": can(user, Cap.REVIEW),
        "can_blacklist": can(user, Cap.BLACKLIST),
        "can_administer": can(user, Cap.ADMINISTER),
        # Tabs other capabilities add to the supplier portal; computed only when a template asks.
        "portal_tabs": SimpleLazyObject(lambda: portal_sections(request, user.supplier) if user.is_supplier_user else []),
    }
