#!/usr/bin/env bash
# Checks deploy/Containerfile where no container engine is at hand, by doing what its runtime
# stage does on this Debian 12 machine:
#  - every shared library the server needs comes from a package the runtime stage installs
#    (or from the few that debian:12-slim always has);
#  - the install tree the image copies (cmake --install into /opt/carecircle) holds a server
#    that starts with the image's ENTRYPOINT arguments and serves the web client;
#  - the image's HEALTHCHECK command passes against that server.
# Usage: check_container_image.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
source "$(dirname "$0")/../shell/server_checks.sh"
source_dir=$1
build_dir=$2
containerfile="$source_dir/deploy/Containerfile"
make_work_dir

# What the runtime stage (the last FROM) installs, runs and checks, read from the file itself.
eval "$(python3 - "$containerfile" <<'PY'
import json, shlex, sys
text = open(sys.argv[1]).read().replace("\\\n", " ")
stages = text.split("\nFROM ")
runtime = stages[-1]
packages = []
for line in runtime.splitlines():
    words = line.split()
    if words[:1] == ["RUN"] and "install" in words:
        for word in words[words.index("install") + 1:]:
            if word == "&&":
                break
            if not word.startswith("-"):
                packages.append(word)
def instruction(name):
    for line in runtime.splitlines():
        if line.startswith(name + " "):
            return line[len(name) + 1:].strip()
    sys.exit(f"no {name} in the runtime stage")
entrypoint = json.loads(instruction("ENTRYPOINT"))
health = instruction("HEALTHCHECK")
health = json.loads(health[health.index("CMD") + 3:].strip())
print("runtime_packages=" + shlex.quote(" ".join(packages)))
print("entrypoint=(" + " ".join(shlex.quote(w) for w in entrypoint) + ")")
print("healthcheck=(" + " ".join(shlex.quote(w) for w in health) + ")")
PY
)"
# debian:12-slim has these whatever the Containerfile says: apt itself needs them.
base_packages="libc6 libgcc-s1 libstdc++6"

# The install tree, as the build stage makes it and the runtime stage copies it.
prefix="$work/opt/carecircle"
cmake --install "$build_dir" --prefix "$prefix" >/dev/null
binary="$prefix/bin/carecircle"
[[ ${entrypoint[0]} == /opt/carecircle/bin/carecircle ]] || {
  echo "ENTRYPOINT does not start /opt/carecircle/bin/carecircle: ${entrypoint[*]}"
  exit 1
}
[[ -f $prefix/share/carecircle/web-client/index.html ]] || {
  echo "the install tree has no web client"
  exit 1
}

missing=0
while read -r library; do
  real=$(readlink -f "$library")
  owner=$(dpkg -S "$real" 2>/dev/null || dpkg -S "${real#/usr}" 2>/dev/null || true)
  owner=${owner%%:*}
  if [[ -z $owner ]]; then
    echo "no package owns $real"
    missing=1
  elif [[ " $runtime_packages $base_packages " != *" $owner "* ]]; then
    echo "$real comes from $owner, which the runtime stage does not install"
    missing=1
  fi
done < <(ldd "$binary" | awk '$3 ~ /^\// {print $3}')
((missing == 0)) || exit 1
echo "runtime libraries: ok ($runtime_packages)"

# Start it as the ENTRYPOINT does, on a free port instead of 8080 and with the volume here.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/var/lib/carecircle"
args=()
for word in "${entrypoint[@]:1}"; do
  word=${word//0.0.0.0:8080/127.0.0.1:$port}
  args+=("${word//\/var\/lib\/carecircle/$work/var/lib/carecircle}")
done
"$binary" "${args[@]}" >"$work/server.log" 2>&1 &
server_pid=$!
stop_pids+=("$server_pid")
wait_for_server "$work/server.log" "$server_pid" >/dev/null || { cat "$work/server.log"; exit 1; }

page=$(curl -fsS "http://127.0.0.1:$port/")
[[ $page == *"<title>CareCircle"* ]] || { echo "the installed server does not serve the web client"; exit 1; }
health=("${healthcheck[@]//8080/$port}")
"${health[@]}" || { echo "HEALTHCHECK failed: ${health[*]}"; exit 1; }
echo "install tree, entrypoint and healthcheck: ok"
