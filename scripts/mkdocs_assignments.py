"""A MkDocs hook: the course assignments' READMEs (``assignments/NN-name/README.md``, which
live beside their starters and graders) as pages of the site, ``assignments/NN-name.md``,
their links to the documentation rewritten to point within the site."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parents[1]


def on_files(files: Files, config: Any) -> Files:
    for readme in sorted((ROOT / "assignments").glob("[0-9][0-9]-*/README.md")):
        text = readme.read_text(encoding="utf-8").replace("](../../docs/", "](../")
        files.append(File.generated(config, f"assignments/{readme.parent.name}.md", content=text))
    return files
