#!/usr/bin/env bash
# Makes a local stand-in for node:20-bookworm-slim (the Dockerfile's NODE_IMAGE, the web UI build
# stage) on hosts that cannot pull from a container registry: a local Debian 12 base image plus this
# host's Node.js binary and npm, laid out as in the official image (/usr/local/bin/node,
# /usr/local/lib/node_modules/npm). Debian 12's own nodejs is 18, and Vite needs Node >= 20.19, so
# the host's Node (e.g. NodeSource's package) is the only Node 20 available offline.
# Only the web stage runs in it; nothing of it reaches the runtime image.
# Usage: make_node_image.sh BASE_IMAGE IMAGE_TAG
# Env: PODMAN (the podman command with its flags); LOGIDATA_HOST_NODE (default: node on PATH);
#      NODE_EXTRA_CA_CERTS, else the host npm's `cafile` — on hosts behind a TLS-intercepting egress
#      proxy, that CA bundle is trusted in the stand-in too, so `npm ci` reaches the registry as it
#      does on the host. A CA bundle holds public certificates only, and only the web stage runs in
#      the stand-in. An explicit HTTP(S)_PROXY needs nothing here: podman build passes the proxy
#      variables into RUN steps (--http-proxy, on by default) without storing them in any image.
set -euo pipefail
base=${1:?BASE_IMAGE}; tag=${2:?IMAGE_TAG}
podman_cmd=${PODMAN:-podman}
if $podman_cmd image exists "$tag"; then exit 0; fi

node_bin=$(readlink -f "$(command -v "${LOGIDATA_HOST_NODE:-node}")") ||
  { echo "make_node_image: no node on this host" >&2; exit 1; }
version=$("$node_bin" -p 'process.versions.node')
"$node_bin" -e 'const [a, b] = process.versions.node.split(".").map(Number);
  process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' ||
  { echo "make_node_image: host Node $version is older than 20.19 (Vite's minimum)" >&2; exit 1; }
npm_dir=$(readlink -f "$(dirname "$node_bin")/../lib/node_modules/npm")
[ -f "$npm_dir/bin/npm-cli.js" ] || { echo "make_node_image: npm not found at $npm_dir" >&2; exit 1; }

context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
cp "$node_bin" "$context/node"
cp -r "$npm_dir" "$context/npm"
ca_env=""
ca_file=${NODE_EXTRA_CA_CERTS:-}
if [ -z "$ca_file" ]; then
  ca_file=$("$node_bin" "$npm_dir/bin/npm-cli.js" config get cafile 2>/dev/null || true)
  case "$ca_file" in null|undefined) ca_file="" ;; esac
fi
if [ -n "$ca_file" ] && [ -f "$ca_file" ]; then
  cp "$ca_file" "$context/extra-ca.crt"
  ca_env="ENV NODE_EXTRA_CA_CERTS=/usr/local/share/node-extra-ca.crt"
else
  : >"$context/extra-ca.crt"
fi
cat >"$context/Containerfile" <<EOF
FROM $base
COPY node /usr/local/bin/node
COPY npm/ /usr/local/lib/node_modules/npm/
COPY extra-ca.crt /usr/local/share/node-extra-ca.crt
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
 && node --version && npm --version
$ca_env
LABEL org.opencontainers.image.description="Local stand-in for node:20-bookworm-slim: $base plus the host's Node $version"
CMD ["node"]
EOF
$podman_cmd build -q --network=host --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
  -t "$tag" "$context" >/dev/null
echo "made $tag: $base plus the host's Node $version and npm $("$node_bin" "$npm_dir/bin/npm-cli.js" --version)"
