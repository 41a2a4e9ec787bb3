from django.contrib import admin
from django.urls import include, path

from audit.views import audit_log
from sso import views as sign_in_views

from . import views

admin.site.site_header = "Corporate Parenting performance"
admin.site.site_title = "cpp"
admin.site.index_title = "Catalogue, figures and reports"

# A post too large to read answers with the text and the reason, not a bare 400 (cpp.views).
handler400 = "cpp.views.bad_request"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", sign_in_views.SignIn.as_view(), name="login"),
    path("accounts/logout/", sign_in_views.SignOut.as_view(), name="logout"),
    path("oidc/", include("sso.urls")),
    path("audit/", audit_log, name="audit"),
    path("admin/", admin.site.urls),
    path("", include("indicators.urls")),
    path("", include("narratives.urls")),
    path("reports/", include("reports.urls")),
]
