from django.urls import path
from django.views.decorators.cache import never_cache

from .views import months, performance, uploads

app_name = "indicators"

urlpatterns = [
    path("performance/", performance.summary_latest, name="summary_latest"),
    path(
        "frameworks/<int:framework_id>/<str:month>/summary/",
        performance.summary_page,
        name="summary",
    ),
    path(
        "frameworks/<int:framework_id>/<str:month>/sections/<slug:code>/",
        performance.section_page,
        name="section",
    ),
    path(
        "frameworks/<int:framework_id>/<str:month>/quality/",
        performance.quality_page,
        name="quality",
    ),
    path(
        "frameworks/<int:framework_id>/<str:month>/appendix-a.xlsx",
        performance.appendix_a_download,
        name="appendix_a",
    ),
    path("indicators/<str:reference>/", performance.indicator_page, name="indicator"),
    path("months/", months.months_page, name="months"),
    path("uploads/", uploads.uploads_page, name="uploads"),
    path("uploads/lait/", uploads.lait_upload_page, name="lait_upload"),
    path("uploads/<int:upload_id>/", uploads.upload_page, name="upload"),
    path("uploads/<int:upload_id>/confirm/", uploads.confirm, name="upload_confirm"),
    path("uploads/<int:upload_id>/revert/", uploads.revert, name="upload_revert"),
    # A private file: no shared or browser cache keeps a copy. (Here rather than on the view
    # while views/uploads.py is being rewritten; it belongs on the view.)
    path("uploads/<int:upload_id>/file/", never_cache(uploads.original_file), name="upload_file"),
]
