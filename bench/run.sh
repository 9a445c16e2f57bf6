#!/usr/bin/env bash
# Runs the project's benchmarks and prints Markdown results (see bench/README.md).
#   bench/run.sh [harvest|publish|pull-lists|latency|once|alma|notices|libib|sms|all] [--holds N]
# The pipeline JVM gets a fixed 512 MiB heap: memory must stay bounded as holds grow.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -Dstyle.color=never -DskipTests package test-compile
mvn -B -q -Dstyle.color=never dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
exec java -Xmx512m -XX:+UseG1GC -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" \
  org.holdshelf.bench.Benchmarks "$@"
