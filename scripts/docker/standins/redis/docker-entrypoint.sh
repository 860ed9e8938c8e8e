#!/bin/sh
# STAND-IN for the official redis image's entry point (scripts/docker/standins/redis/Dockerfile).
set -e
# Like the official image: no config file -> listen on all interfaces without protected mode.
if [ "$1" = redis-server ]; then
  case " $* " in *" --protected-mode "*) ;; *) set -- "$@" --protected-mode no ;; esac
  case " $* " in *" --bind "*) ;; *) set -- "$@" --bind 0.0.0.0 ;; esac
  if [ "$(id -u)" = 0 ]; then chown -R redis:redis /data; exec setpriv --reuid=redis --regid=redis --init-groups "$@"; fi
fi
exec "$@"
