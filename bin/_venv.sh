# Sourced by bin/portal and bin/test: finds Python 3.12+ and keeps .venv installed and current.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

python_ok() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; }

find_python() {
  local candidate
  if [ -n "${PYTHON:-}" ]; then
    python_ok "$PYTHON" && { echo "$PYTHON"; return; }
    echo "PYTHON=$PYTHON is not Python 3.12 or newer." >&2; return 1
  fi
  for candidate in python3.14 python3.13 python3.12 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && python_ok "$candidate"; then
      command -v "$candidate"; return
    fi
  done
  # pyenv installs that are not the active version are still usable directly.
  for candidate in "$HOME"/.pyenv/versions/3.1[2-9]*/bin/python3 /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9]; do
    if [ -x "$candidate" ] && python_ok "$candidate"; then echo "$candidate"; return; fi
  done
  cat >&2 <<'MSG'
No Python 3.12 or newer was found on PATH (looked for python3.14, python3.13, python3.12, python3).
Django 6 needs Python 3.12+. Install one (for example from your OS packages or pyenv),
or point to it with: PYTHON=/path/to/python3.12 bin/portal
MSG
  return 1
}

# ensure_venv EXTRAS: creates .venv once and reinstalls only when pyproject.toml changes.
ensure_venv() {
  local extras="$1" spec stamp
  if [ ! -x "$VENV/bin/python" ] || ! python_ok "$VENV/bin/python"; then
    local python; python="$(find_python)"
    echo "Creating $VENV with $python ($("$python" --version 2>&1))" >&2
    rm -rf "$VENV"
    "$python" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
  fi
  spec="."; [ -n "$extras" ] && spec=".[$extras]"
  stamp="$VENV/.installed-$(cat "$ROOT/pyproject.toml" | sha256sum | cut -c1-16)-${extras:-base}"
  if [ ! -f "$stamp" ]; then
    echo "Installing dependencies ($spec)…" >&2
    (cd "$ROOT" && "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$spec")
    touch "$stamp"
  fi
}
