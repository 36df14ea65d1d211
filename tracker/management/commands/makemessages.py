"""makemessages that also collects the built-in library's texts from tracker/content/*.yaml."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.commands import makemessages

from tracker.content import CONTENT_DIR, library_messages, load_explanations, load_library

# xgettext reads Python and templates, not YAML, so for the length of a run the library's texts
# are written out as gettext_noop calls, each with a comment naming its file, entry and field.
MESSAGES_MODULE = CONTENT_DIR / "library_messages.py"


def messages_module_source() -> str:
    lines = [
        '"""Written by makemessages from the YAML files next to it and removed when it ends."""',
        "",
        "from django.utils.translation import gettext_noop",
        "",
    ]
    for where, text in library_messages(load_library(), load_explanations()):
        lines.append(f"# Translators: {where}")
        # A JSON string is also a valid Python string literal.
        lines.append(f"gettext_noop({json.dumps(text, ensure_ascii=False)})")
    return "\n".join(lines) + "\n"


class Command(makemessages.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("domain", "django") != "django":
            super().handle(*args, **options)
            return
        MESSAGES_MODULE.write_text(messages_module_source(), encoding="utf-8")
        try:
            super().handle(*args, **options)
        finally:
            MESSAGES_MODULE.unlink(missing_ok=True)
