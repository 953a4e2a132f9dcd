#!/usr/bin/env bash
# Builds parley/base:bookworm, the image every Parley image starts from, without a registry:
# debootstrap a minimal Debian bookworm from the apt mirror this machine already uses, then
# `docker import` it. Reproducible from the mirror's snapshot: the same packages give the same tree.
#   docker/base-image.sh [--force]
set -euo pipefail
IMAGE=parley/base:bookworm
DOCKER=${DOCKER:-docker}

if [ "${1:-}" != "--force" ] && $DOCKER image inspect "$IMAGE" > /dev/null 2>&1; then
  echo "$IMAGE exists (--force rebuilds it)"
  exit 0
fi

# The mirror apt uses here: deb822 sources first, then the one-line format.
mirror() {
  local uri
  uri=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -1 || true)
  if [ -z "$uri" ]; then
    uri=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; exit } }' \
      /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

command -v debootstrap > /dev/null || { echo "debootstrap is missing: apt-get install debootstrap" >&2; exit 1; }
ROOTFS=$(mktemp -d /tmp/parley-rootfs.XXXXXX)
trap 'rm -rf "$ROOTFS"' EXIT
MIRROR=$(mirror)
echo "debootstrap bookworm from $MIRROR ..."
debootstrap --variant=minbase bookworm "$ROOTFS" "$MIRROR" > "$ROOTFS.log" 2>&1 || { tail -20 "$ROOTFS.log" >&2; exit 1; }
rm -f "$ROOTFS.log"
# The image's apt reads the same mirror; no caches, no lists, no docs.
echo "deb $MIRROR bookworm main" > "$ROOTFS/etc/apt/sources.list"
cat > "$ROOTFS/etc/apt/apt.conf.d/90parley" <<'CONF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
CONF
rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/usr/share/doc/* "$ROOTFS"/usr/share/man/*
tar --numeric-owner -C "$ROOTFS" -c . | $DOCKER import -c 'CMD ["/bin/bash"]' -c 'ENV LANG=C.UTF-8' - "$IMAGE"
echo "built $IMAGE"
