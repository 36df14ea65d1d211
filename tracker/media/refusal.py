"""Why an upload was refused, in words the clinic can act on."""

from __future__ import annotations


class MediaRefused(ValueError):
    """The file is not one we accept; ``message`` says why, in the uploader's words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
