#!/usr/bin/env bash
# Builds the fahras container image from the Dockerfile and checks that a
# container started from it serves the seed index.
#
#   bash tests/docker/verify.sh              (as root; run by .ci/run)
#   FAHRAS_SKIP_DOCKER=1 bash tests/docker/verify.sh      skip it
#   FAHRAS_DOCKER_PORT=4000 ...               port to serve on (default 3917)
#
# No Docker engine or registry is needed: ../shared/tools/make-node-base-image.sh
# provides a local node:20-bookworm-slim, podman builds the image, and buildah
# runs the image's command (chroot isolation, host network), since plain
# `podman run` cannot work in a sandbox whose cgroups and rlimits are locked.
set -euo pipefail

if [ "${FAHRAS_SKIP_DOCKER:-}" = 1 ]; then
  echo "docker verify: skipped (FAHRAS_SKIP_DOCKER=1)"
  exit 0
fi

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TOOLS=$ROOT/../shared/tools
BASE_TAG=docker.io/library/node:20-bookworm-slim
IMAGE=localhost/fahras-verify:$$
SEED_ID=000_007ff8f57a8682c6
QUERY=الإرهاب
PORT=${FAHRAS_DOCKER_PORT:-3917}
HEALTH_TIMEOUT=${FAHRAS_DOCKER_HEALTH_TIMEOUT:-60}
ST=(--storage-driver vfs)

t0=$SECONDS
step() { echo "docker verify: [$((SECONDS - t0))s] $*"; }
fail() { echo "docker verify: FAILED: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "must run as root (installs podman/buildah, bootstraps the base image)"
[ -f "$TOOLS/make-node-base-image.sh" ] || fail "missing $TOOLS/make-node-base-image.sh"
command -v node >/dev/null || fail "node is needed on the host to check responses"

# The container shares the host's network: serve on the first free port from $PORT.
free_port=$(node -e '
  const net = require("node:net");
  const first = Number(process.argv[1]);
  const tryPort = (p) => {
    if (p > first + 50) process.exit(1);
    const s = net.createServer();
    s.once("error", () => tryPort(p + 1));
    s.listen(p, "0.0.0.0", () => s.close(() => console.log(p)));
  };
  tryPort(first);
' "$PORT") || fail "no free port in $PORT..$((PORT + 50)) (set FAHRAS_DOCKER_PORT)"
[ "$free_port" = "$PORT" ] || echo "docker verify: port $PORT is busy, using $free_port"
PORT=$free_port

work=$(mktemp -d)
ctr=''
server_pid=''
image_built=0

descendants() {
  local p
  for p in $(ps -o pid= --ppid "$1" 2>/dev/null); do
    descendants "$p"
    echo "$p"
  done
}

stop_server() {
  [ -n "$server_pid" ] || return 0
  local pids
  pids="$(descendants "$server_pid") $server_pid"
  # shellcheck disable=SC2086
  kill -TERM $pids 2>/dev/null || true
  for _ in $(seq 1 50); do
    # shellcheck disable=SC2086
    kill -0 $pids 2>/dev/null || break
    sleep 0.1
  done
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=''
}

cleanup() {
  local rc=$?
  set +e
  stop_server
  if [ -n "$ctr" ]; then buildah "${ST[@]}" rm "$ctr" >/dev/null 2>&1; fi
  if [ "$image_built" = 1 ]; then podman "${ST[@]}" rmi -f "$IMAGE" >/dev/null 2>&1; fi
  rm -rf "$work"
  if [ "$rc" != 0 ]; then echo "docker verify: FAILED (exit $rc)" >&2; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- 1. base image ---------------------------------------------------------------
step "making the local base image $BASE_TAG"
old_base=''
if command -v podman >/dev/null; then
  old_base=$(podman "${ST[@]}" image inspect --format '{{.Id}}' "$BASE_TAG" 2>/dev/null || true)
fi
bash "$TOOLS/make-node-base-image.sh" "$BASE_TAG"
new_base=$(podman "${ST[@]}" image inspect --format '{{.Id}}' "$BASE_TAG")
if [ -n "$old_base" ] && [ "$old_base" != "$new_base" ]; then
  # The re-import leaves the previous base untagged; drop it unless something uses it.
  podman "${ST[@]}" rmi "$old_base" >/dev/null 2>&1 || true
fi

# --- 2. project image --------------------------------------------------------------
step "building $IMAGE from $ROOT/Dockerfile"
b0=$SECONDS
image_built=1
# --layers=false: with the vfs driver every cached layer is a full copy of the file
# system, and the freshly imported base invalidates the cache anyway.
if ! podman "${ST[@]}" build --isolation chroot --pull=never --network=host \
    --format docker --layers=false --force-rm -t "$IMAGE" "$ROOT" 2>&1 | tee "$work/build.log"; then
  if grep -q 'from lock file' "$work/build.log"; then
    echo "docker verify: npm ci rejected package-lock.json (see 'Missing: ...' above). If the missing package" \
      "is an optional dependency the registry cannot serve, npm >= 11.16 omits it from the lock file and then" \
      "rejects the lock file (npm/cli#9846); \`npx npm@11.13.0 install --package-lock-only --ignore-scripts\`" \
      "records the placeholder entry npm ci needs. Check with \`npm ci --dry-run\` on the host." >&2
  fi
  fail "image build failed (see the podman output above)"
fi
size=$(podman "${ST[@]}" image inspect --format '{{.Size}}' "$IMAGE")
step "image built in $((SECONDS - b0))s, $((size / 1000000)) MB"

podman "${ST[@]}" image inspect "$IMAGE" | node -e 'process.stdout.write(JSON.stringify(JSON.parse(require("node:fs").readFileSync(0, "utf8"))[0]))' > "$work/image.json"
node - "$work/image.json" <<'EOF' || fail "image configuration is not as expected"
const image = JSON.parse(require('node:fs').readFileSync(process.argv[2], 'utf8'));
const c = { ...image.Config, Healthcheck: image.Healthcheck ?? image.Config?.Healthcheck };
const problems = [];
const user = c.User || '';
if (!user || user === 'root' || user === '0' || user.startsWith('0:')) problems.push(`runs as root (User=${JSON.stringify(user)})`);
if (!c.ExposedPorts || !('3000/tcp' in c.ExposedPorts)) problems.push('does not expose 3000/tcp');
if (!c.Healthcheck || !Array.isArray(c.Healthcheck.Test) || !c.Healthcheck.Test.join(' ').includes('/health')) problems.push('has no HEALTHCHECK on /health');
if (!c.Volumes || Object.keys(c.Volumes).length === 0) problems.push('declares no VOLUME for the index');
if (!Array.isArray(c.Cmd) || !c.Cmd.includes('serve')) problems.push(`CMD does not serve: ${JSON.stringify(c.Cmd)}`);
if (problems.length) { console.error('image ' + problems.join('; ')); process.exit(1); }
console.log(`docker verify: config ok: user ${user}, volumes ${Object.keys(c.Volumes).join(',')}, cmd ${c.Cmd.join(' ')}`);
EOF

# The image's own CMD, serving on $PORT instead of 3000 to avoid clashes: PORT is
# passed in the environment, and a --port flag in the CMD, if any, is changed too.
mapfile -d '' cmd < <(node -e '
  const cmd = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8")).Config.Cmd;
  const i = cmd.indexOf("--port");
  if (i >= 0) cmd[i + 1] = process.argv[2];
  process.stdout.write(cmd.map((a) => a + "\0").join(""));
' "$work/image.json" "$PORT")
mapfile -d '' healthcmd < <(node -e '
  const image = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
  const t = (image.Healthcheck ?? image.Config.Healthcheck).Test;
  const args = t[0] === "CMD-SHELL" ? ["/bin/sh", "-c", t[1]] : t.slice(1);
  process.stdout.write(args.map((a) => a + "\0").join(""));
' "$work/image.json")

# --- 3. container ------------------------------------------------------------------
ctr=$(buildah "${ST[@]}" from --pull=never --name "fahras-verify-$$" "$IMAGE")
step "starting container $ctr: ${cmd[*]}"
s0=$SECONDS
buildah "${ST[@]}" run --isolation chroot --network host --env "PORT=$PORT" "$ctr" -- "${cmd[@]}" \
  > "$work/server.log" 2>&1 &
server_pid=$!

base_url="http://127.0.0.1:$PORT"
step "waiting for $base_url/health (timeout ${HEALTH_TIMEOUT}s)"
healthy=0
while [ $((SECONDS - s0)) -lt "$HEALTH_TIMEOUT" ]; do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "--- server output ---" >&2; cat "$work/server.log" >&2
    fail "the container's process exited before /health answered"
  fi
  if node -e 'fetch(process.argv[1], { signal: AbortSignal.timeout(2000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$base_url/health"; then
    healthy=1
    break
  fi
  sleep 0.5
done
if [ "$healthy" != 1 ]; then
  echo "--- server output ---" >&2; cat "$work/server.log" >&2
  fail "/health did not answer 2xx within ${HEALTH_TIMEOUT}s"
fi
step "/health ok after $((SECONDS - s0))s"

uid=''
for p in $(descendants "$server_pid"); do
  if [ "$(ps -o comm= -p "$p" 2>/dev/null)" = node ]; then uid=$(ps -o uid= -p "$p" | tr -d ' '); fi
done
step "server process uid: ${uid:-unknown}"
[ "$uid" != 0 ] || fail "the server runs as root inside the container"

# The image's HEALTHCHECK command, run inside the container.
buildah "${ST[@]}" run --isolation chroot --network host --env "PORT=$PORT" "$ctr" -- "${healthcmd[@]}" \
  || fail "the image's HEALTHCHECK command failed against the running server"
step "HEALTHCHECK command ok"

# --- 4. one search -----------------------------------------------------------------
step "searching for $QUERY"
node --input-type=module - "$base_url" "$QUERY" "$SEED_ID" <<'EOF' || { echo "--- server output ---" >&2; tail -n 50 "$work/server.log" >&2; fail "search response is not as expected"; }
const [base, q, id] = process.argv.slice(2);
const url = `${base}/api/search?q=${encodeURIComponent(q)}`;
const res = await fetch(url, { signal: AbortSignal.timeout(10000) });
const text = await res.text();
if (!res.ok) { console.error(`GET ${url} -> ${res.status}: ${text.slice(0, 500)}`); process.exit(1); }
let body;
try { body = JSON.parse(text); } catch { console.error(`not JSON: ${text.slice(0, 500)}`); process.exit(1); }
const flat = JSON.stringify(body);
const missing = [['<mark>', flat.includes('<mark>')], [id, flat.includes(id)]].filter(([, ok]) => !ok).map(([w]) => w);
if (missing.length) { console.error(`response lacks ${missing.join(' and ')}: ${flat.slice(0, 800)}`); process.exit(1); }
console.log(`docker verify: search ok: ${res.status}, ${text.length} bytes, contains <mark> and ${id}`);
EOF

# The search page and its static files come from src/server/public in the image.
node --input-type=module - "$base_url" <<'EOF' || fail "the search page or its static files are missing"
const base = process.argv[2];
for (const [path, type] of [['/', 'text/html'], ['/static/search-page.js', 'javascript'], ['/static/style.css', 'text/css']]) {
  const res = await fetch(base + path, { signal: AbortSignal.timeout(10000) });
  const ct = res.headers.get('content-type') ?? '';
  if (!res.ok || !ct.includes(type)) { console.error(`GET ${path} -> ${res.status} ${ct}`); process.exit(1); }
}
console.log('docker verify: search page and static files ok');
EOF

# --- 5. clean up -------------------------------------------------------------------
step "stopping the server and removing the container and image"
stop_server
buildah "${ST[@]}" rm "$ctr" >/dev/null
ctr=''
podman "${ST[@]}" rmi -f "$IMAGE" >/dev/null
image_built=0
step "done"
echo "docker verify: ok"
