from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("months/<int:month_id>/", views.month_page, name="month"),
    path("months/<int:month_id>/drafts/", views.generate, name="generate"),
    path("months/<int:month_id>/issue/", views.issue, name="issue"),
    path("months/<int:month_id>/paper/", views.paper, name="paper"),
    path("editions/<int:pk>/", views.edition_page, name="edition"),
    path("editions/<int:pk>/status/", views.edition_status, name="status"),
    path("editions/<int:pk>/sign-off/", views.sign_off, name="sign_off"),
    path("editions/<int:pk>/rebuild/", views.rebuild, name="rebuild"),
    path("editions/<int:pk>/read/", views.read, name="read"),
    path("editions/<int:pk>/report.pdf", views.download, {"kind": "report"}, name="report_pdf"),
    path("editions/<int:pk>/paper.pdf", views.download, {"kind": "paper"}, name="paper_pdf"),
]
