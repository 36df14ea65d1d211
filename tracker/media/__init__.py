"""Checking the pictures and videos a clinic uploads, by what they contain, not their names.

Pure functions over bytes and file objects (Pillow for pictures, a small box and element
reader for video containers): nothing here touches the database or the storage.
"""

from tracker.media.images import CheckedImage, check_image
from tracker.media.refusal import MediaRefused
from tracker.media.video import CheckedVideo, check_video

__all__ = ["CheckedImage", "CheckedVideo", "MediaRefused", "check_image", "check_video"]
