#!/usr/bin/env bash
# run-all.sh - every architecture's end-to-end tests in one pool, two guests at
# a time (pool.sh): tests/e2e/t-*.sh (x86_64), then each of KX_E2E_ARCHES'
# tests/e2e/<arch>/t-*.sh (default: every directory here with a run.sh and a
# fetch.sh). Output and exit codes as run.sh; labels are "t-boot",
# "arm64/t-boot", ... Each architecture's fixtures are fetched first. make check
# runs it once every architecture's kx-static is built.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/pool.sh"
if [ -z "${KX_E2E_ARCHES+x}" ]; then
	KX_E2E_ARCHES=x86_64
	for d in "$here"/*/; do
		d=${d%/}
		[ -x "$d/run.sh" ] && [ -x "$d/fetch.sh" ] && KX_E2E_ARCHES="$KX_E2E_ARCHES $(basename "$d")"
	done
fi
args=()
bad=0
for arch in $KX_E2E_ARCHES; do
	if [ "$arch" = x86_64 ]; then dir=$here prefix=; else dir=$here/$arch prefix=$arch/; fi
	[ -d "$dir" ] || { echo "run-all.sh: no tests for $arch ($dir)" >&2; exit 2; }
	list=$(e2e_pool_find "$dir")
	[ -n "$list" ] || continue
	if ! v=$("$dir/fetch.sh"); then
		echo "run-all.sh: fetching the $arch fixtures failed" >&2
		bad=$((bad + $(wc -l <<<"$list")))
		continue
	fi
	echo "run-all.sh ($arch): $(echo $v)"
	while read -r t; do args+=("$prefix$(basename "$t" .sh)=$t"); done <<<"$list"
done
if [ "$bad" -gt 0 ]; then
	echo "0 passed, $bad failed, 0 skipped"
	exit 1
fi
e2e_pool "${args[@]}"
