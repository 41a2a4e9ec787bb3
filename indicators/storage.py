"""Private file storage: uploaded originals (this app) and built report editions (``reports``).

Here, in the lowest app that stores private files, so that ``reports`` does not reach into the
upload models for it. Files live under MEDIA_ROOT/private, outside the static root, and are
served only through views that check who is asking.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """MEDIA_ROOT/private, read from the settings on every use (tests give each test its own)."""

    @property
    def base_location(self) -> str:
        return str(settings.MEDIA_ROOT / "private")

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


def private_storage() -> FileSystemStorage:
    """Outside the static root, served only through a view that checks the role.

    A callable, so that migrations do not record this machine's MEDIA_ROOT.
    """
    return PrivateStorage()
