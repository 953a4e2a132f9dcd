#!/usr/bin/env bash
# Builds every image of the compose cluster from the Maven build output (run `mvn install` first;
# `./parley cluster up` does both). Nothing runs Maven inside an image. An image is rebuilt only when
# its build context or its parent image changed: each carries the hash of both as a label.
#   docker/build.sh            build what is stale
#   docker/build.sh --list     print the image names
set -euo pipefail
cd "$(dirname "$0")"
DOCKER=${DOCKER:-docker}
ROOT=$(cd .. && pwd)
CTX=$ROOT/docker/target/context
SERVICES="broker topology gateway directory assets history connect s3"
OTHERS="cassandra analytics mariadb lb prometheus node-exporter"

if [ "${1:-}" = "--list" ]; then
  echo jre runtime $SERVICES $OTHERS | tr ' ' '\n' | sed 's|^|parley/|'
  exit 0
fi

need() { [ -e "$1" ] || { echo "missing $1: build Parley first (mvn install -DskipTests)" >&2; exit 1; }; }

# Copies files into a context folder, keeping what is unchanged (hard links where possible).
sync_into() { # sync_into DEST FILE...
  local dest=$1; shift
  mkdir -p "$dest"
  cp -lLf "$@" "$dest"/ 2>/dev/null || cp -Lpf "$@" "$dest"/
}

prepare_contexts() {
  local jar lib
  need "$ROOT/docker/runtime/target/classpath.txt"
  rm -rf "$CTX" && mkdir -p "$CTX"
  # runtime: every service's jars, this module's own, the entry scripts and the log configuration
  jar=$(ls "$ROOT"/docker/runtime/target/parley-docker-runtime-*.jar | head -1)
  # shellcheck disable=SC2046
  sync_into "$CTX/runtime/lib" $(tr ':' ' ' < "$ROOT/docker/runtime/target/classpath.txt") "$jar"
  sync_into "$CTX/runtime/bin" bin/parley-java bin/run-broker bin/run-service bin/run-s3 bin/healthy
  sync_into "$CTX/runtime/conf" conf/log4j2.xml
  # cassandra: cassandra-all's class path as parley-cassandra-runtime resolved it
  lib=$ROOT/sinks-local/cassandra-runtime/target/classes/io/parley/cassandra/runtime.classpath
  need "$lib"
  # shellcheck disable=SC2046
  sync_into "$CTX/cassandra/lib" $(tr ':' ' ' < "$lib")
  sync_into "$CTX/cassandra/bin" bin/run-cassandra bin/healthy
  # analytics: the job's jar and its class path (Spark included)
  need "$ROOT/analytics-spark/target/classpath.txt"
  # shellcheck disable=SC2046
  sync_into "$CTX/analytics/lib" $(tr ':' ' ' < "$ROOT/analytics-spark/target/classpath.txt") \
    "$(ls "$ROOT"/analytics-spark/target/parley-analytics-spark-*.jar | grep -v -e sources -e shaded | head -1)"
  sync_into "$CTX/analytics/corpus" "$ROOT"/analytics-spark/corpus/*
  sync_into "$CTX/analytics/bin" bin/run-analytics bin/healthy
  # small images: their Dockerfile folder plus what they copy
  sync_into "$CTX/mariadb" bin/run-mariadb
  sync_into "$CTX/lb" lb/haproxy.cfg bin/healthy
  sync_into "$CTX/prometheus" prometheus/prometheus.yml prometheus/recording.yml prometheus/alerts.yml
  mkdir -p "$CTX/node-exporter"
  for s in $SERVICES; do mkdir -p "$CTX/$s"; done
  mkdir -p "$CTX/jre"
  for d in "$CTX"/*/; do
    n=$(basename "$d")
    cp -p images/"$n"/Dockerfile "$d"/Dockerfile
  done
}

parent_of() { sed -n 's/^FROM *//p' "images/$1/Dockerfile" | head -1; }

context_hash() { # the files' names, sizes and modification times (kept by the copy), and the parent image's id
  local dir=$1 parent=$2
  { (cd "$dir" && find . -type f -printf '%p %s %T@\n' | LC_ALL=C sort)
    $DOCKER image inspect -f '{{.Id}}' "$parent"; } | sha256sum | cut -c1-16
}

build_image() { # build_image NAME
  local name=$1 image parent hash current started
  image="parley/$name:latest"
  [ "$name" = jre ] && image=parley/jre:17
  parent=$(parent_of "$name")
  hash=$(context_hash "$CTX/$name" "$parent")
  current=$($DOCKER image inspect -f '{{index .Config.Labels "io.parley.context"}}' "$image" 2>/dev/null || true)
  if [ "$current" = "$hash" ]; then
    echo "  $image is up to date"
    return
  fi
  started=$(date +%s)
  $DOCKER build -q --label "io.parley.context=$hash" -t "$image" "$CTX/$name" > /dev/null
  echo "  built $image in $(( $(date +%s) - started )) s"
}

"$ROOT"/docker/base-image.sh > /dev/null
mkdir -p "$CTX/jre"
prepare_contexts
cp -p images/jre/Dockerfile "$CTX/jre/Dockerfile"
# Builds images side by side (most of the time is apt downloading, not CPU); fails if any failed.
build_all() {
  local pids=() name failed=0
  for name in "$@"; do
    build_image "$name" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do
    wait "$pid" || failed=1
  done
  [ "$failed" -eq 0 ] || { echo "an image failed to build" >&2; exit 1; }
}

echo "images:"
build_all jre mariadb lb prometheus node-exporter   # FROM parley/base
build_all runtime cassandra analytics               # FROM parley/jre
build_all $SERVICES                                 # FROM parley/runtime
