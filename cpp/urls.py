from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from audit.views import audit_log

from . import views

admin.site.site_header = "Corporate Parenting performance"
admin.site.site_title = "cpp"
admin.site.index_title = "Catalogue, figures and reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("audit/", audit_log, name="audit"),
    path("admin/", admin.site.urls),
    path("", include("indicators.urls")),
    path("", include("narratives.urls")),
    path("reports/", include("reports.urls")),
]
