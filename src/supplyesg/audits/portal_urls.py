app_name = "audits_portal"

urlpatterns = []
