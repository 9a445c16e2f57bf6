#!/usr/bin/env bash
# Runs the project's benchmarks and prints Markdown results (see bench/README.md).
#   bench/run.sh [harvest|publish|pull-lists|latency|once|alma|notices|libib|sms|hoopla|cluster|hoopla-cluster|all] [--holds N]
# The pipeline JVM gets a fixed 512 MiB heap: memory must stay bounded as holds grow.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -Dstyle.color=never -DskipTests package test-compile
mvn -B -q -Dstyle.color=never dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
# The JVM runs from a copy of the classes: a build started meanwhile in this tree (another
# engineer's, an IDE's) deletes and rewrites target/classes, and a class the JVM had not loaded yet
# would then be missing (NoClassDefFoundError, for the rest of the run).
classes=$(mktemp -d)
trap 'rm -rf "$classes"' EXIT
cp -r target/classes target/test-classes "$classes"/
status=0
java -Xmx512m -XX:+UseG1GC -cp "$classes/classes:$classes/test-classes:$(cat target/bench-classpath.txt)" \
  org.holdshelf.bench.Benchmarks "$@" || status=$?
exit "$status"
