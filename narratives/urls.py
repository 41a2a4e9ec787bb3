from django.urls import path

from . import views

app_name = "narratives"

urlpatterns = [
    path("narratives/", views.latest, name="latest"),
    path("months/<int:month_id>/narratives/", views.dashboard, name="dashboard"),
    path("months/<int:month_id>/narratives/create/", views.create_missing, name="create_missing"),
    path("narratives/<int:pk>/", views.narrative_page, name="narrative"),
    path("narratives/<int:pk>/save/", views.save, name="save"),
    path("narratives/<int:pk>/submit/", views.submit, name="submit"),
    path("narratives/<int:pk>/request-changes/", views.request_changes, name="request_changes"),
    path("narratives/<int:pk>/approve/", views.approve, name="approve"),
    path("narratives/<int:pk>/reopen/", views.reopen, name="reopen"),
]
