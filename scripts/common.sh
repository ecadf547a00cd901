# Shared by the scripts: where things live. Source it, don't run it.
INTROSKIP_CACHE=${INTROSKIP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/introskip}
export INTROSKIP_CACHE
# Build outside the clone: a fresh clone on the same machine reuses the compiled dependencies.
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$INTROSKIP_CACHE/target}
if ! command -v cargo >/dev/null 2>&1 && [ -f "$HOME/.cargo/env" ]; then
  # shellcheck disable=SC1091
  . "$HOME/.cargo/env"
fi
if ! command -v cargo >/dev/null 2>&1; then
  echo "introskip: cargo not found: install Rust with rustup (https://rustup.rs) first" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# The production encoder backend is libtorch (burn-tch): fetch it once and build with it.
# INTROSKIP_BACKEND=flex builds the pure-Rust backend instead (no libtorch download).
FEATURES=()
use_backend() {
  if [ "${INTROSKIP_BACKEND:-tch}" = tch ]; then
    LIBTORCH=$(scripts/setup-libtorch.sh | tail -n 1)
    export LIBTORCH
    FEATURES=(--features tch)
  fi
}
