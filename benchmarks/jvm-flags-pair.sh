#!/bin/bash
# paired warm starts: default / CDS (dynamic archive) / C1 only / CDS + C1, interleaved, in one initialised folder
# usage (repository root): [J=target/carehost.jar] [JAVA=java] [ROUNDS=5] benchmarks/jvm-flags-pair.sh
J=$(realpath ${J:-target/carehost.jar})
JAVA=${JAVA:-java}
mkdir -p /tmp/cds/h && cd /tmp/cds/h
[ -d data ] || (echo plugin:list | $JAVA -jar $J > /dev/null 2>&1) # initialised once: the starts below are warm
run() { local s=$(date +%s%N); echo plugin:list | /usr/bin/time -f "%U %S %M" -o /tmp/cds/time.txt $JAVA "$@" -jar $J > /tmp/cds/out.txt 2>/tmp/cds/err.txt; local rc=$?; echo "$(( ($(date +%s%N)-s)/1000000 )) $(cat /tmp/cds/time.txt) rc=$rc"; }
rm -f /tmp/cds/ch.jsa; run -XX:ArchiveClassesAtExit=/tmp/cds/ch.jsa > /dev/null
for i in $(seq 1 ${ROUNDS:-5}); do
  echo "round $i default $(run)"
  echo "round $i cds $(run -XX:SharedArchiveFile=/tmp/cds/ch.jsa)"
  echo "round $i c1 $(run -XX:TieredStopAtLevel=1)"
  echo "round $i cds+c1 $(run -XX:SharedArchiveFile=/tmp/cds/ch.jsa -XX:TieredStopAtLevel=1)"
done
