#!/usr/bin/env bash
# Makes a local Debian 12 base image equivalent to debian:bookworm-slim, for hosts that cannot pull
# from a container registry: debootstrap (minbase) plus the slim image's trimming — no docs, man
# pages, locales or apt lists, and the same dpkg path excludes so later installs stay slim.
# Usage: make_base_image.sh CACHE_DIR IMAGE_TAG
# The root file system is kept as CACHE_DIR/debian-bookworm-slim.tar, so a later run only imports it.
# Env: PODMAN (the podman command with its flags), LOGIDATA_DEBIAN_MIRROR.
set -euo pipefail
cache_dir=${1:?CACHE_DIR}; tag=${2:?IMAGE_TAG}
podman_cmd=${PODMAN:-podman}
if $podman_cmd image exists "$tag"; then exit 0; fi
mkdir -p "$cache_dir"
tarball=$cache_dir/debian-bookworm-slim.tar
if [ ! -s "$tarball" ]; then
  rootfs=$cache_dir/rootfs
  rm -rf "$rootfs"
  echo "making $tag with debootstrap (once; cached in $tarball)"
  debootstrap --variant=minbase bookworm "$rootfs" "${LOGIDATA_DEBIAN_MIRROR:-http://deb.debian.org/debian}" \
    >"$cache_dir/debootstrap.log" 2>&1 || { tail -20 "$cache_dir/debootstrap.log"; exit 1; }
  # What debian:bookworm-slim excludes (its /etc/dpkg/dpkg.cfg.d/docker).
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/slim" <<'CFG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
CFG
  find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  rm -rf "$rootfs"/usr/share/{man,groff,info,lintian,linda,locale}/* "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/log/*.log
  tar -C "$rootfs" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
  rm -rf "$rootfs"
fi
$podman_cmd import -q "$tarball" "$tag" >/dev/null
echo "imported $tag ($(( $(stat -c %s "$tarball") / 1000000 )) MB root file system)"
