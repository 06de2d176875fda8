#!/usr/bin/env bash
# Print the path of a Python >= 3.12 (on the PATH, or installed through pyenv), or explain what to install.
set -u
for candidate in python3.13 python3.12 python3.14 python3; do
  for version in "" 3.13.0 3.12.1; do
    path=$(PYENV_VERSION=$version command -v "$candidate" 2>/dev/null) || continue
    if PYENV_VERSION=$version "$path" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      real=$(PYENV_VERSION=$version "$path" -c 'import sys; print(sys.executable)')
      echo "$real"
      exit 0
    fi
  done
done
if command -v pyenv >/dev/null 2>&1; then
  for version in $(pyenv versions --bare 2>/dev/null | sort -rV); do
    root=$(pyenv root)
    exe="$root/versions/$version/bin/python3"
    if [ -x "$exe" ] && "$exe" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      echo "$exe"
      exit 0
    fi
  done
fi
echo "No Python 3.12 or newer found. Install one (e.g. 'apt-get install python3.12 python3.12-venv'," >&2
echo "or 'pyenv install 3.13') and run make again." >&2
exit 1
