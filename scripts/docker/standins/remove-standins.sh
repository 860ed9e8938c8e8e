#!/usr/bin/env bash
# Removes every stand-in image build-standins.sh made (label io.store-uptime.standin=true), so the
# next compose test starts cold or a real registry's images can be pulled under those names.
set -euo pipefail
ids=$(docker image ls -q --filter label=io.store-uptime.standin=true | sort -u)
[ -z "$ids" ] && { echo "no stand-in images"; exit 0; }
docker image ls --filter label=io.store-uptime.standin=true --format '{{.Repository}}:{{.Tag}}'
# shellcheck disable=SC2086
docker image rm -f $ids >/dev/null
echo "removed"
