"""Write the picture files of a trail: DOT and Mermaid always, SVG and PNG when Graphviz is installed."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from sagactl.audit.arns import parse_execution_arn
from sagactl.audit.errors import AuditError
from sagactl.audit.render_dot import render_dot
from sagactl.audit.render_mermaid import render_mermaid
from sagactl.audit.trail import Trail

GRAPHVIZ_MISSING = (
    "Graphviz is not installed, so no SVG/PNG was drawn (the .dot and Mermaid files were written). "
    "Install it with `apt-get install graphviz` (Debian/Ubuntu) or `brew install graphviz` (macOS)."
)
PNG_DPI = 144  # crisp on high-density screens, still small enough to commit
DOT_TIMEOUT_S = 60


def find_dot() -> str | None:
    return shutil.which("dot")


def picture_basename(trail: Trail) -> str:
    """The execution name; Express names repeat, so their ARN's unique suffix is added."""
    parsed = parse_execution_arn(trail.execution.arn)
    name = trail.execution.name
    if parsed is not None and parsed.is_express:
        name = f"{name}-{trail.execution.arn.rsplit(':', 1)[-1][:8]}"
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "execution"


def write_pictures(
    trail: Trail, out_dir: Path | str, *, basename: str | None = None, dot_binary: str | None = None
) -> list[Path]:
    """Writes `<basename>.dot`, `.mmd`, `.md` (Mermaid in a Markdown fence) and, with Graphviz, `.svg` and `.png`.

    `dot_binary` defaults to the `dot` on PATH; without one the SVG/PNG are skipped (see `GRAPHVIZ_MISSING`).
    """
    directory = Path(out_dir)
    directory.mkdir(parents=True, exist_ok=True)
    stem = basename or picture_basename(trail)
    dot_text = render_dot(trail)
    mermaid_text = render_mermaid(trail)
    written = [
        _write(directory / f"{stem}.dot", dot_text),
        _write(directory / f"{stem}.mmd", mermaid_text),
        _write(directory / f"{stem}.md", f"```mermaid\n{mermaid_text}```\n"),
    ]
    dot = dot_binary or find_dot()
    if dot is not None:
        written.append(_draw(dot, dot_text, directory / f"{stem}.svg", "svg"))
        written.append(_draw(dot, dot_text, directory / f"{stem}.png", "png", f"-Gdpi={PNG_DPI}"))
    return written


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _draw(dot: str, dot_text: str, path: Path, output_format: str, *options: str) -> Path:
    try:
        subprocess.run(
            [dot, f"-T{output_format}", *options, "-o", str(path)],
            input=dot_text.encode("utf-8"),
            capture_output=True,
            check=True,
            timeout=DOT_TIMEOUT_S,
        )
    except FileNotFoundError as error:
        raise AuditError(f"cannot run Graphviz at {dot}: {GRAPHVIZ_MISSING}") from error
    except subprocess.TimeoutExpired as error:
        raise AuditError(f"Graphviz took over {DOT_TIMEOUT_S} s drawing {path.name}") from error
    except subprocess.CalledProcessError as error:
        message = error.stderr.decode("utf-8", "replace").strip().splitlines()
        raise AuditError(f"Graphviz failed drawing {path.name}: {message[-1] if message else error}") from error
    return path
