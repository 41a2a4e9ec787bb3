"""The single sign-on pages. The names are mozilla-django-oidc's, which it reverses itself; the
callback is the redirect URI registered at the provider: https://<host>/oidc/callback/."""

from django.urls import path

from . import views

urlpatterns = [
    path("authenticate/", views.DirectorySignIn.as_view(), name="oidc_authentication_init"),
    path("callback/", views.DirectoryCallback.as_view(), name="oidc_authentication_callback"),
]
