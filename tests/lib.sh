# lib.sh - TAP helpers for the shell tests; sourced by tests/*.t
# Each test gets its own JM_HOME, removed on exit; programs are found on PATH.
# shellcheck disable=SC2034 # DATA, PLATFORM*, prog: read by the tests
set -u
export LC_ALL=C.UTF-8
unset JM_ENDPOINT JM_TIMEOUT JM_JOBS JM_NOW JM_TODAY JM_SHARE XDG_CONFIG_HOME \
	XDG_DATA_HOME XDG_STATE_HOME NO_COLOR
T=$(mktemp -d "${TMPDIR:-/tmp}/jm-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
export JM_HOME="$T/home"
# Batches of 256 records, not 1024: a test's roster of a few hundred or
# thousand people then spans several, as a county's does (JM_TEST_BATCH)
export JM_TEST_BATCH=${JM_TEST_BATCH:-256}
[ -n "${JM_BIN:-}" ] && PATH="$JM_BIN:$PATH"
TESTS=$(cd "$(dirname "$0")" && pwd)
DATA=$TESTS/data
n=0
fails=0

plan() { echo "1..$1"; }

# (printf, not echo: a description may hold a backslash)
pass() { n=$((n + 1)); printf 'ok %s - %s\n' "$n" "$1"; }

fail() {
	n=$((n + 1))
	fails=$((fails + 1))
	printf 'not ok %s - %s\n' "$n" "$1"
}

# check DESCRIPTION COMMAND...: passes when the command succeeds
check() {
	d=$1
	shift
	if "$@" >"$T/check.out" 2>&1; then pass "$d"; else
		fail "$d"
		sed 's/^/#   /' "$T/check.out" | head -n 20
	fi
}

# check_same DESCRIPTION WANT GOT: the files are equal
check_same() {
	if diff -u "$2" "$3" >"$T/diff.out" 2>&1; then pass "$1"; else
		fail "$1"
		sed "s/^/#   /" "$T/diff.out" | head -n "${JM_TEST_DIFF_LINES:-40}"
	fi
}

# check_exit DESCRIPTION STATUS COMMAND...: the command exits with STATUS
check_exit() {
	d=$1
	want=$2
	shift 2
	"$@" >"$T/exit.out" 2>"$T/exit.err"
	got=$?
	if [ "$got" = "$want" ]; then pass "$d"; else
		fail "$d (exit $got, want $want)"
		sed 's/^/#   /' "$T/exit.err" | head -n 10
	fi
}

# check_eq DESCRIPTION WANT GOT: two strings are equal
check_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else
		fail "$1"
		echo "#   want: $2"
		echo "#   got:  $3"
		return 1
	fi
}

done_testing() { [ "$fails" -eq 0 ]; }

# mkid ADDRESS BIRTH SEQ: a resident ID number with its check character
# (GB 11643-1999, ISO 7064 MOD 11-2), e.g. mkid 341122 19900307 001
mkid() {
	printf '%s%s%s\n' "$1" "$2" "$3" | awk '{
		split("7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2", w, " ")
		s = 0
		for (i = 1; i <= 17; i++) s += substr($0, i, 1) * w[i]
		print $0 substr("10X98765432", s % 11 + 1, 1)
	}'
}

# roster N REGION [PHONE]: N synthetic people of REGION as JSON Lines, the
# first of them the payer (relation self, with PHONE), the others relatives
roster() {
	awk -v n="$1" -v region="$2" -v phone="${3:-13800000000}" 'BEGIN {
		split("7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2", w, " ")
		split("零 一 二 三 四 五 六 七 八 九", zh, " ")
		for (i = 1; i <= n; i++) {
			d = sprintf("%s%04d%02d%02d%03d", region,
			    1950 + int(i / 1000) % 50, 1 + int(i / 100) % 12,
			    1 + int(i / 10) % 28, i % 1000)
			s = 0
			for (k = 1; k <= 17; k++) s += substr(d, k, 1) * w[k]
			id = d substr("10X98765432", s % 11 + 1, 1)
			name = "示例"
			for (m = i; m > 0; m = int(m / 10)) name = name zh[m % 10 + 1]
			if (i == 1)
				printf "{\"id_no\":\"%s\",\"name\":\"%s\",\"relation\":\"self\",\"phone\":\"%s\"}\n", id, name, phone
			else
				printf "{\"id_no\":\"%s\",\"name\":\"%s\",\"relation\":\"other\"}\n", id, name
		}
	}'
}

# serve [ARGS...]: jm-sandbox --listen on a free loopback port, its
# sandbox in $T/platform (its JM_HOME); sets SERVER (the URL) and SERVER_PID, logs to
# $T/server.log; stopped when the test ends. The server keeps no clock of
# the test's environment: a client's JM_NOW or JM_TODAY reaches it as a
# header (--test-clock).
serve() {
	rm -f "$T/server.url"
	env -u JM_NOW -u JM_TODAY -u JM_ENDPOINT JM_HOME="$T/platform" \
		jm-sandbox --listen 127.0.0.1:0 --test-clock --endpoint sandbox \
		"$@" >"$T/server.url" 2>>"$T/server.log" &
	SERVER_PID=$!
	SERVER_PIDS="${SERVER_PIDS:-} $SERVER_PID"
	i=0
	while [ ! -s "$T/server.url" ] && [ $i -lt 400 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	SERVER=$(cat "$T/server.url")
	trap 'stop_servers; rm -rf "$T"' EXIT
}

# stop_servers: every server this test started, each waited for
stop_servers() {
	for pid in ${SERVER_PIDS:-}; do
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	SERVER_PIDS=
}

# The platform the programs use, by default the embedded sandbox in
# JM_HOME. With JM_TEST_HTTP=1 (make check-http) it is jm-sandbox --listen
# on loopback, JM_ENDPOINT its URL, so that the same tests run over HTTP.
# PLATFORM is its name as the programs say it, PLATFORM_HOME the folder of
# its files (policy.d/ for its policy tables), PLATFORM_DB its database,
# PLATFORM_KEY the key its receipts are signed with.
platform_start() {
	if over_http; then
		serve "$@"
		if [ -z "$SERVER" ]; then
			echo "Bail out! jm-sandbox --listen did not start"
			sed 's/^/# /' "$T/server.log"
			exit 1
		fi
		export JM_ENDPOINT="$SERVER"
		PLATFORM=$SERVER
		PLATFORM_HOME=$T/platform
	else
		PLATFORM=sandbox:$JM_HOME/sandbox.db
		PLATFORM_HOME=$JM_HOME
	fi
	PLATFORM_DB=$PLATFORM_HOME/sandbox.db
	PLATFORM_KEY=$PLATFORM_HOME/sandbox.key
	tables_seen=$(platform_tables_sum)
}

# fresh_platform: start afresh, as on a new machine: JM_HOME (journal,
# session, receipts) removed and the platform empty (over HTTP: the server
# stopped, its sandbox removed, a new one served)
fresh_platform() {
	rm -rf "$JM_HOME"
	if over_http; then
		stop_servers
		rm -rf "$T/platform"
	fi
	platform_start
}

# platform_tables: the platform reads its policy tables again when they
# changed; the embedded sandbox reads them at each run, a server when it
# starts: it is started again on its port, with its sandbox
platform_tables() {
	over_http || return 0
	[ "$(platform_tables_sum)" = "$tables_seen" ] && return 0
	stop_servers
	platform_start --listen "${SERVER#http://}"
}

platform_tables_sum() {
	# shellcheck disable=SC2012 # names, sizes and times, not parsed
	{ ls -lR --full-time "$PLATFORM_HOME/policy.d" 2>/dev/null
	cat "$PLATFORM_HOME"/policy.d/* 2>/dev/null; } | cksum
}

# tables_reader [JM-QUOTE-ARGS...] <RECORD: what reads the platform's
# policy tables: jm-quote of the record, or over HTTP, where jm-quote reads
# none, a jm-sandbox --listen starting on them (a malformed table stops it
# as it starts); sets prog to its name (so no pipe into it)
tables_reader() {
	if over_http; then
		prog=jm-sandbox
		env -u JM_ENDPOINT JM_HOME="$PLATFORM_HOME" timeout 30 \
			jm-sandbox --listen 127.0.0.1:0 --endpoint sandbox </dev/null
	else
		prog=jm-quote
		jm-quote "$@"
	fi
}

# over_http: true when the tests run over HTTP (JM_TEST_HTTP=1)
over_http() { [ "${JM_TEST_HTTP:-0}" = 1 ]; }

# skip DESCRIPTION REASON: a check that does not apply here, as a TAP skip
skip() { n=$((n + 1)); printf 'ok %s # skip %s: %s\n' "$n" "$1" "$2"; }

platform_start
