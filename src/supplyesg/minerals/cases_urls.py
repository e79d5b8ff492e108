app_name = "risk_cases"

urlpatterns = []
