def portal_section(request, supplier):
    return None
