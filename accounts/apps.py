from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """The bottom layer: roles, access helpers, how a person is named, who acts. It imports
    nothing of the product's other apps."""

    name = "accounts"
    verbose_name = "Accounts and roles"
