#!/bin/sh
# STAND-IN for the official node image's entry point: a first argument that is an option or not a
# command runs under node.
set -e
# Same logic as the official node image's entrypoint.
if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then
  set -- node "$@"
fi
exec "$@"
