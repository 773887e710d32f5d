#!/bin/sh
# Over loopback HTTP: jm-sandbox --listen serves the platform, the programs
# speak it through libcurl, and faults change nothing: every person is paid
# exactly once, no outcome is left unknown, every receipt verifies.
. "$(dirname "$0")/lib.sh"
plan 39
export JM_TODAY=2025-11-20 JM_RETRY_BASE_MS=10
ex=$TESTS/../share/examples/family.jsonl
serve --fault drop-first=1,drop-after-commit=0.3,error-503=0.1,delay-ms=2,seed=7
export JM_ENDPOINT="$SERVER"
platform() { sqlite3 -separator ' ' "$T/platform/sandbox.db" "$1"; }
check "the server prints its URL" sh -c "echo '$SERVER' | grep -q '^http://127\.0\.0\.1:[0-9]*$'"

# the household, through faults, eight requests at a time
jm-register --jobs 8 <"$ex" 2>/dev/null | jm-bind 2>/dev/null |
	jm-quote --jobs 8 2>/dev/null >"$T/q"
check_eq "registered, bound, quoted over HTTP" 6 "$(jq -r '.quote.status' "$T/q" | grep -c unpaid)"
jm-pay --yes --channel alipay --jobs 8 "$T/q" >"$T/paid" 2>"$T/err"
rc=$?
while [ $rc -eq 75 ]; do	# an outcome still unknown: run again later
	jm-pay --yes --channel alipay --jobs 8 "$T/q" >"$T/paid" 2>>"$T/err"
	rc=$?
done
check_eq "paid through dropped answers and 503s" "0 6" "$rc $(jq -r 'select(.payment.status == "paid") | .id_no' "$T/paid" | wc -l | tr -d ' ')"
check_eq "the server has one payment per person" "6 6" "$(platform "SELECT count(*), count(DISTINCT insured_id) FROM payment WHERE status = 'paid'")"
check "answers were dropped after the commit" grep -q DROPPED_AFTER_COMMIT "$T/server.log"
check "503s were sent" grep -q ' 503 UNAVAILABLE' "$T/server.log"
check_eq "the server's log has no ID number" 0 "$(grep -cE '[0-9]{17}[0-9X]' "$T/server.log")"
jm-receipt --jobs 8 "$T/paid" >"$T/rec" 2>/dev/null
check_eq "every receipt fetched and verified over HTTP" "6 true" "$(jq -r .receipt.verified "$T/rec" | sort | uniq -c | awk '{ print $1, $2 }')"
check "... and they follow the schema" sh -c "xmllint --noout --schema '$TESTS/../share/receipt.xsd' '$JM_HOME'/receipts/2026/*.xml 2>/dev/null"

# a village: 200 people, jm-pay killed mid-batch, then run until done
roster 200 340202 13900000000 | sed 's/"relation":"self"/"relation":"other"/' >"$T/village"
jm-register --jobs 8 "$T/village" 2>/dev/null | jm-bind --relation other 2>/dev/null |
	jm-quote --jobs 8 2>/dev/null >"$T/vq"
check_eq "the village is quoted" 200 "$(jq -r '.quote.due_fen' "$T/vq" | grep -c 40000)"
i=0
while [ $i -lt 4 ]; do
	jm-pay --yes --channel wechat --jobs 8 "$T/vq" >/dev/null 2>&1 &
	pid=$!
	sleep "0.$((i * 2 + 1))"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	i=$((i + 1))
done
rc=75
runs=0
while [ $rc -eq 75 ] && [ $runs -lt 10 ]; do
	jm-pay --yes --channel wechat --jobs 8 "$T/vq" >"$T/vpaid" 2>/dev/null
	rc=$?
	runs=$((runs + 1))
done
check_eq "killed four times, then completed" 0 "$rc"
check_eq "every villager comes out paid once" "200 200" "$(jq -r 'select(.payment.status == "paid") | .id_no' "$T/vpaid" | wc -l | tr -d ' ') $(jq -r .id_no "$T/vpaid" | sort -u | wc -l | tr -d ' ')"
check_eq "output order is input order" "$(jq -r .id_no "$T/vq" | md5sum)" "$(jq -r .id_no "$T/vpaid" | md5sum)"
check_eq "the server: exactly one payment per person" "206 206" "$(platform "SELECT count(*), count(DISTINCT insured_id) FROM payment WHERE status = 'paid'")"
check_eq "no declined payment on the server" 0 "$(platform "SELECT count(*) FROM payment WHERE status <> 'paid'")"
jq -r .payment.order_id "$T/vpaid" "$T/paid" | sort >"$T/ours"
platform "SELECT order_id FROM payment ORDER BY order_id" >"$T/theirs"
check_same "the order ids are the server's" "$T/theirs" "$T/ours"
# (a 503 one time in ten may outlast a request's four tries: exit 75,
# run again later, as cron would)
rc=75
runs=0
while [ $rc -eq 75 ] && [ $runs -lt 5 ]; do
	jm-receipt --reconcile --jobs 8 >"$T/rc" 2>&1
	rc=$?
	runs=$((runs + 1))
done
check_eq "reconciliation: no unknown left, nothing needs a person" "0 0" "$rc $(grep -c '"needs_person":true\|pending' "$T/rc")" ||
	sed 's/^/#   /' "$T/rc" | grep -v '"ok":true' | head -20
check_eq "the journal agrees: everyone paid, nothing pending" "paid 206" "$(sqlite3 -separator ' ' "$JM_HOME/journal.db" "SELECT group_concat(DISTINCT state), count(DISTINCT person) FROM attempt WHERE state IN ('paid', 'settled', 'intent', 'sent', 'unknown')")"

# what is refused, and what cannot be reached
check_exit "plain http to a non-loopback name: refused before connecting" 64 \
	jm-register --endpoint http://example.invalid:8080/ "$ex"
check "... saying why" grep -q 'plain http is only for a loopback address' "$T/exit.err"
check_exit "the platform down: exit 75" 75 env JM_RETRY_BASE_MS=1 jm-register --endpoint http://127.0.0.1:9 "$ex"
check "... curl's code and message" grep -q 'POST http://127.0.0.1:9/v1/register: (7) ' "$T/exit.err"
check_exit "listening beyond loopback needs --allow-remote" 64 jm-sandbox --listen 0.0.0.0:0
check_eq "libcurl is loaded for an http endpoint only" "0 1" \
	"$(LD_DEBUG=libs jm-register --endpoint "sandbox:$T/x.db" /dev/null 2>&1 | grep -c 'calling init:.*libcurl') $(LD_DEBUG=libs jm-register /dev/null 2>&1 | grep -c 'calling init:.*libcurl.so')"
check_eq "no program but jm-sandbox links libmicrohttpd; jm-register no libcrypto" "0 1 0" \
	"$(for p in jm-register jm-bind jm-quote jm-pay jm-receipt; do ldd "$(command -v $p)"; done | grep -c microhttpd) $(ldd "$(command -v jm-sandbox)" | grep -c microhttpd) $(ldd "$(command -v jm-register)" | grep -c 'libcrypto\|libxml2\|libcurl')"
kill $SERVER_PID
wait $SERVER_PID 2>/dev/null
check_eq "SIGTERM: the server stops cleanly" 0 $?
check_eq "... and every committed payment is there" 206 "$(platform "SELECT count(*) FROM payment WHERE status = 'paid'")"
serve --fault delay-ms=2500
sed -n 1p "$ex" >"$T/one"
check_exit "a request past --timeout: exit 75" 75 env JM_RETRY_BASE_MS=1 JM_ENDPOINT="$SERVER" jm-register --timeout 1 "$T/one"
check "... curl's timeout (28)" grep -q ': (28) ' "$T/exit.err"

# what the server says of a request is one line of UTF-8, though the
# request's own words are cut short in it (curl, as any client would ask)
serve
printf '{"fixture":"a%s","note":"x"}' "$(printf '示例%.0s' 1 2 3 4 5 6 7 8 9 10)" >"$T/fx.json"
curl -sS -H 'Content-Type: application/json' --data-binary "@$T/fx.json" \
	"$SERVER/v1/fixture" >"$T/fx.out"
check "a refusal quoting a request's words cut short: valid UTF-8" \
	iconv -f UTF-8 -t UTF-8 "$T/fx.out"
check_eq "... cut between characters" "BAD_VALUE unknown fixture 'a示例示例示例示例示'" \
	"$(jq -r '"\(.error.code) \(.error.message)"' "$T/fx.out")"
printf '{"id_no":"341122199003070017","name":"示例一","category":"new\\nborn"}' >"$T/nl.json"
curl -sS -H 'Content-Type: application/json' --data-binary "@$T/nl.json" \
	"$SERVER/v1/register" >"$T/nl.out"
check_eq "... and on one line, though the request had a newline" \
	"BAD_VALUE category 'new?born' is not one of: resident pupil university newborn" \
	"$(jq -r '"\(.error.code) \(.error.message)"' "$T/nl.out")"

# a platform that answers badly (a real HTTP server on loopback, Python's,
# answering every request with STATUS and BODY): one clear line per record
badly() {
	rm -f "$T/bad.port"
	python3 -c '
import http.server, sys
status, body = int(sys.argv[1]), sys.argv[2].encode("utf-8", "surrogateescape")
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[3] + ".tmp", "w").write(str(s.server_port))
__import__("os").rename(sys.argv[3] + ".tmp", sys.argv[3])
s.serve_forever()
' "$1" "$2" "$T/bad.port" 2>/dev/null &
	bad_pid=$!
	i=0
	while [ ! -s "$T/bad.port" ] && [ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	bad_url=http://127.0.0.1:$(cat "$T/bad.port")
}
unbadly() { kill "$bad_pid" 2>/dev/null; wait "$bad_pid" 2>/dev/null; }
badly 200 'not JSON at all'
check_exit "a 200 that is no JSON: tried again, then exit 75" 75 env JM_RETRY_BASE_MS=1 jm-register --endpoint "$bad_url" "$T/one"
check_eq "... BAD_RESPONSE in the record, the body in the message" "BAD_RESPONSE HTTP 200: not JSON at all" "$(jq -r '"\(.error.code) \(.error.message)"' "$T/exit.out")"
unbadly
badly 422 "$(printf '{"error":{"code":"NOT_REGISTERED","message":"two\\nlines,\tand \377 a bad byte"}}')"
check_exit "a refusal: exit 1" 1 env JM_RETRY_BASE_MS=1 jm-register --endpoint "$bad_url" "$T/one"
check_eq "... the platform's code, its message on one line of UTF-8" "NOT_REGISTERED two lines, and $(printf '\357\277\275') a bad byte" "$(jq -r '"\(.error.code) \(.error.message)"' "$T/exit.out")"
check_eq "... one line on stderr, the ID masked" 1 "$(grep -c '3411\*\*\*\*\*\*\*\*\*\*0017: two lines' "$T/exit.err")"
unbadly
# a receipt answered without its document: said on the record, not passed
# on as though nothing had been paid
badly 200 '{"receipt_no":"R1"}'
jm-sandbox --endpoint "sandbox:$T/k.db" --public-key >"$T/k.pem"
jq -c --arg e "$bad_url" '.endpoint = $e' "$JM_HOME/session" >"$T/s"
cat "$T/s" >"$JM_HOME/session"
head -1 "$T/paid" | jq -c '.payment.order_id = "O-NONE" | del(.receipt)' >"$T/one-paid"
check_exit "a receipt answered without its document: exit 1" 1 jm-receipt --key "$T/k.pem" --endpoint "$bad_url" "$T/one-paid"
check_eq "... BAD_RESPONSE, no receipt key" "BAD_RESPONSE null" "$(jq -r '"\(.error.code) \(.receipt)"' "$T/exit.out")"
unbadly
done_testing
