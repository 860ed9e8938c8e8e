#!/usr/bin/env bash
# Removes the stand-in images build-standins.sh made: each image labelled io.store-uptime.standin=true
# is untagged from the name its io.store-uptime.standin-for label gives. Images built on a stand-in
# (e.g. the project's own) inherit those labels but carry other names, so they are left alone. The
# next compose test starts cold, or, where a registry is reachable, pulls the real images.
set -euo pipefail
removed=0
while read -r id; do
  [ -n "$id" ] || continue
  name=$(docker image inspect -f '{{index .Config.Labels "io.store-uptime.standin-for"}}' "$id")
  if docker image inspect -f '{{join .RepoTags " "}}' "$id" | tr ' ' '\n' | grep -qxF "$name"; then
    docker image rm "$name" >/dev/null && echo "removed stand-in $name" && removed=$((removed + 1))
  fi
done < <(docker image ls -q --filter label=io.store-uptime.standin=true | sort -u)
echo "$removed stand-in image(s) removed"
