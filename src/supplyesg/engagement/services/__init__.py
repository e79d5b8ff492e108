"""Engagement services: programmes and courses (`programme`), invitations through the campaign engine
(`invitations`), attendance, feedback and cascade reports (`attendance`), LMS imports (`lms_import`),
announcements (`news`) and training required of a supplier (`required`)."""
