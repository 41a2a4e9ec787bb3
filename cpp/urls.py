from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "Corporate Parenting performance"
admin.site.site_title = "cpp"
admin.site.index_title = "Catalogue, figures and reports"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
]
