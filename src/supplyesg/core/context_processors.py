from supplyesg.core.access import Cap, can


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
    }
