# lib.sh - TAP helpers for the shell tests; sourced by tests/*.t
# Each test gets its own JM_HOME, removed on exit; programs are found on PATH.
set -u
export LC_ALL=C.UTF-8
unset JM_ENDPOINT JM_TIMEOUT JM_JOBS JM_NOW JM_TODAY JM_SHARE XDG_CONFIG_HOME \
	XDG_DATA_HOME XDG_STATE_HOME NO_COLOR
T=$(mktemp -d "${TMPDIR:-/tmp}/jm-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
export JM_HOME="$T/home"
[ -n "${JM_BIN:-}" ] && PATH="$JM_BIN:$PATH"
TESTS=$(cd "$(dirname "$0")" && pwd)
DATA=$TESTS/data
n=0
fails=0

plan() { echo "1..$1"; }

pass() { n=$((n + 1)); echo "ok $n - $1"; }

fail() {
	n=$((n + 1))
	fails=$((fails + 1))
	echo "not ok $n - $1"
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
# sandbox in $T/platform; sets SERVER (the URL) and SERVER_PID, logs to
# $T/server.log; stopped when the test ends
serve() {
	mkdir -p "$T/platform"
	rm -f "$T/server.url"
	JM_HOME="$T/platform" jm-sandbox --listen 127.0.0.1:0 --test-clock \
		--endpoint "sandbox:$T/platform/sandbox.db" "$@" \
		>"$T/server.url" 2>"$T/server.log" &
	SERVER_PID=$!
	i=0
	while [ ! -s "$T/server.url" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	SERVER=$(cat "$T/server.url")
	trap 'kill $SERVER_PID 2>/dev/null; wait $SERVER_PID 2>/dev/null; rm -rf "$T"' EXIT
}
