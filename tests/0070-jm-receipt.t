#!/bin/sh
# jm-receipt: signed receipts fetched, verified, stored, printed; offline
# verification by jm and by anyone with xmllint, sed, base64 and openssl.
. "$(dirname "$0")/lib.sh"
plan 68
export JM_TODAY=2025-11-20
ex=$TESTS/../share/examples/family.jsonl
xsd=$TESTS/../share/receipt.xsd
rdir=$JM_HOME/receipts/2026
jm-register <"$ex" 2>/dev/null | jm-bind 2>/dev/null | jm-quote 2>/dev/null |
	jm-pay --yes --channel alipay 2>/dev/null >"$T/paid"

check_exit "receipts for a paid household" 0 jm-receipt --summary "$T/paid"
cp "$T/exit.out" "$T/r1"
check_eq "every record gets a verified receipt" "6 true" "$(jq -r .receipt.verified "$T/r1" | sort | uniq -c | awk '{ print $1, $2 }')"
check_eq "receipt keys" '["receipt_no","path","sha256","verify_code","issued_at","verified"]' "$(head -n 1 "$T/r1" | jq -c '.receipt | keys_unsorted')"
check_eq "stored as receipts/YEAR/RECEIPT_NO.xml, no ID in the name" 6 "$(find "$rdir" -maxdepth 1 -name 'R3402*.xml' | grep -c '/R3402[0-9]*\.xml$')"
check_eq "receipt files are private" 600 "$(stat -c %a "$rdir"/* | sort -u)"
check "every receipt follows receipt.xsd (xmllint)" xmllint --noout --schema "$xsd" "$rdir"/*.xml
f=$(jq -r .receipt.path "$T/r1" | sed -n 3p)
check "the office comes from the region" grep -q '<office code="340200">国家税务总局芜湖市税务局</office>' "$f"
check "the amount in capitals" grep -q '<amount fen="4000" yuan="40.00">肆拾元整</amount>' "$f"
check "it says it is a sandbox receipt" grep -q '<sandbox>true</sandbox>' "$f"
check_eq "the sha256 is the file's" "$(sha256sum "$f" | cut -d' ' -f1)" "$(sed -n 3p "$T/r1" | jq -r .receipt.sha256)"

stamp=$(stat -c %Y%N "$rdir"/*.xml | md5sum)
issued=$(sqlite3 "$PLATFORM_DB" 'SELECT count(*) FROM receipt')
jm-receipt "$T/paid" >"$T/r2" 2>/dev/null
check_same "already stored and unchanged: the same receipt keys" "$T/r1" "$T/r2"
check_eq "... and nothing fetched or rewritten" "$stamp $issued" "$(stat -c %Y%N "$rdir"/*.xml | md5sum) $(sqlite3 "$PLATFORM_DB" 'SELECT count(*) FROM receipt')"

jm-receipt --format text "$T/paid" >"$T/text" 2>/dev/null
check_eq "text: one receipt per payment" 6 "$(grep -c '^社保费电子缴款单' "$T/text")"
check "text: 400.00 and 肆佰元整" grep -q 'Amount        400.00 yuan  肆佰元整' "$T/text"
check_eq "text: no full ID number" 0 "$(grep -cE '[0-9]{17}[0-9X]' "$T/text")"
jm-receipt --format html "$T/paid" >"$T/html" 2>/dev/null
check_eq "html: one page per receipt" 6 "$(grep -c 'class="receipt"' "$T/html")"
check "html: a page break when printed" grep -q 'page-break-after: always' "$T/html"
check_eq "html: no full ID number" 0 "$(grep -cE '[0-9]{17}[0-9X]' "$T/html")"
check "html: well-formed for an HTML parser" xmllint --html --noout "$T/html"
jm-receipt --format xml "$T/paid" >"$T/xml" 2>/dev/null
check_eq "xml: the documents themselves" "$(cat "$rdir"/*.xml | md5sum)" "$(md5sum <"$T/xml")"

# forgeries, and hostile documents
cp "$f" "$T/good.xml"
sed 's/fen="4000" yuan="40.00">肆拾元整/fen="400" yuan="4.00">肆元整/' "$f" >"$T/amount.xml"
sed 's/<name>示例三</<name>示例九</' "$f" >"$T/name.xml"
sed 's/year="2026" from="2026-01-01" to="2026-12-31">2026/year="2027" from="2027-01-01" to="2027-12-31">2027/' "$f" >"$T/period.xml"
awk '/<signature/ { i = index($0, "\">") + 20; c = substr($0, i, 1)
	$0 = substr($0, 1, i - 1) (c == "A" ? "B" : "A") substr($0, i + 1) } 1' "$f" >"$T/sig.xml"
sed '/<signature/d' "$f" >"$T/unsigned.xml"
check_exit "--verify: a genuine receipt" 0 jm-receipt --verify "$T/good.xml"
for x in amount name period sig unsigned; do
	jm-receipt --verify "$T/$x.xml" >"$T/v" 2>&1
	echo "$x $? $(grep -c 'NOT genuine' "$T/v")"
done >"$T/forged"
check_eq "tampered amount, name, period, signature; unsigned: all fail" \
	"amount 1 1 name 1 1 period 1 1 sig 1 1 unsigned 1 1" "$(tr '\n' ' ' <"$T/forged" | sed 's/ $//')"
check "one line each saying which and why" grep -q "^$T/unsigned.xml: NOT genuine: does not follow receipt.xsd" "$T/v"
# the genuine signed lines hidden in a comment, forged content after them
awk '/^<content>$/ { print "<!--"; c = 1 } c { body = body $0; print }
	/^<\/content>$/ { print "-->"; gsub(/fen="4000" yuan="40.00">肆拾元整/, "fen=\"400\" yuan=\"4.00\">肆元整", body); print body; c = 0; next }
	!c' "$f" >"$T/comment.xml"
check "the comment forgery follows the schema" xmllint --noout --schema "$xsd" "$T/comment.xml"
check_exit "... but is not genuine for jm" 1 jm-receipt --verify "$T/comment.xml"
check_eq "... nor for the recipe's first step: one <content" 2 "$(grep -c '<content' "$T/comment.xml")"
check_exit "an unreadable receipt file: exit 2" 2 jm-receipt --verify "$T/no-such.xml"
check_exit "--verify writes text or JSON only" 64 jm-receipt --verify --format html "$f"

printf '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<receipt>&x;</receipt>\n' >"$T/xxe.xml"
awk 'BEGIN { print "<?xml version=\"1.0\"?>\n<!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\">"; for (i = 1; i < 10; i++) printf "<!ENTITY %c \"&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;\">\n", 97 + i, 96 + i, 96 + i, 96 + i, 96 + i, 96 + i, 96 + i, 96 + i, 96 + i, 96 + i, 96 + i; print "]>\n<receipt>&j;</receipt>" }' >"$T/laughs.xml"
truncate -s 1G "$T/huge.xml"
jm-receipt --verify "$T/xxe.xml" "$T/laughs.xml" "$T/huge.xml" >"$T/v" 2>&1
check_eq "XXE, entity expansion and a 1 GiB file: refused, exit 1" "1 3" "$? $(grep -c 'NOT genuine' "$T/v")"
check_eq "... none of them read" 2 "$(grep -c 'no DTD and no entities' "$T/v")"

# the recipe of jm-receipt(1): a third party with xmllint, sed, base64, openssl
jm-sandbox --public-key >"$T/platform.pem"
check "--verify with a key at hand makes no files" sh -c "JM_HOME='$T/fresh' jm-receipt --verify --key '$T/platform.pem' '$f' >/dev/null && ! test -e '$T/fresh'"
(
	cd "$T" || exit 1
	xmllint --noout --schema "$xsd" good.xml 2>/dev/null &&
	sed -n '/^<content>$/,/^<\/content>$/p' good.xml >signed &&
	xmllint --xpath 'string(/receipt/signature)' good.xml | base64 -d >sig.der &&
	openssl dgst -sm3 -verify platform.pem -sigopt distid:1234567812345678 -signature sig.der signed
) >"$T/recipe" 2>&1
check_eq "the third-party recipe verifies a genuine receipt" "Verified OK" "$(cat "$T/recipe")"
(
	cd "$T" || exit 1
	sed -n '/^<content>$/,/^<\/content>$/p' amount.xml >signed &&
	openssl dgst -sm3 -verify platform.pem -sigopt distid:1234567812345678 -signature sig.der signed
) >"$T/recipe" 2>&1
check_eq "... and refuses a forged one" "Verification failure" "$(head -n 1 "$T/recipe")"
check_eq "the key's fingerprint is the one the receipts name" \
	"$(openssl pkey -pubin -in "$T/platform.pem" -outform DER | openssl dgst -sm3 -r | cut -d' ' -f1)" \
	"$(xmllint --xpath 'string(/receipt/signature/@key)' "$T/good.xml")"
check_eq "the private key stays beside the sandbox, private" 600 "$(stat -c %a "$PLATFORM_KEY")"

jm-receipt --dir "$T/elsewhere" "$T/paid" >/dev/null 2>&1
check_eq "--dir stores elsewhere" 6 "$(ls "$T/elsewhere/2026" | wc -l | tr -d ' ')"
rm "$rdir"/*.xml
jm-receipt "$T/paid" >/dev/null 2>&1
check_eq "a stored receipt gone is fetched again, the same document" "$(md5sum <"$T/good.xml")" "$(md5sum <"$f")"
# the quick check of a stored receipt: its size and time, else its bytes
sed -i 's/<name>示例三</<name>示例九</' "$f"
jm-receipt "$T/paid" >/dev/null 2>&1
check_eq "one changed in place, the same size, is read and fetched again" "$(md5sum <"$T/good.xml")" "$(md5sum <"$f")"
cp -p "$f" "$T/kept.xml"	# its time as stored again
sed -i 's/<name>示例三</<name>示例九</' "$f"
touch -r "$T/kept.xml" "$f"
jm-receipt "$T/paid" >/dev/null 2>&1
check_eq "one changed and given back its size and time is passed on unread" 1 "$(grep -c '<name>示例九<' "$f")"
check_exit "... which --verify tells" 1 jm-receipt --verify "$f"
cp -p "$T/kept.xml" "$f"
jsql() { sqlite3 "$JM_HOME/journal.db" "$1"; }
jsql 'UPDATE receipt SET size = NULL, mtime_ns = NULL, amount_fen = NULL'
touch -d '2025-01-01 00:00:00' "$rdir"/*.xml
jm-receipt "$T/paid" >"$T/r3" 2>/dev/null
check_same "an index with no sizes and times (an older journal): files read, the same keys" "$T/r1" "$T/r3"
check_eq "... their sizes, times and amounts kept for the next run" 6 "$(jsql "SELECT count(*) FROM receipt WHERE size > 0 AND mtime_ns = $(date -d '2025-01-01 00:00:00' +%s)000000000 AND amount_fen > 0")"
jq -c '.payment.amount_fen = 4' "$T/paid" | sed -n 1p >"$T/edited"
check_eq "a stored receipt is held against the record's amount" RECEIPT_MISMATCH "$(jm-receipt "$T/edited" 2>/dev/null | jq -r .error.code)"
# receipts fetched are checked beside the next fetch (a pool of threads):
# what those checks find is said on each record, in order
check_exit "a fetched receipt for another amount: exit 1" 1 jm-receipt --dir "$T/d-edit" "$T/edited"
check_eq "... RECEIPT_MISMATCH, nothing stored" "RECEIPT_MISMATCH 0" "$(jq -r .error.code "$T/exit.out") $(find "$T/d-edit" -name '*.xml' 2>/dev/null | wc -l | tr -d ' ')"
jm-sandbox --endpoint "sandbox:$T/other.db" --public-key >"$T/other.pem"
jm-receipt --dir "$T/d-other" --key "$T/other.pem" "$T/paid" >"$T/ro" 2>"$T/ro.err"
check_eq "fetched receipts signed by a key not pinned: each refused" "6 RECEIPT_INVALID 0" "$(grep -c 'signed by another key' "$T/ro.err") $(jq -r .error.code "$T/ro" | sort -u) $(find "$T/d-other" -name '*.xml' 2>/dev/null | wc -l | tr -d ' ')"
check_eq "... the records in their order" "$(jq -r .id_no "$T/paid")" "$(jq -r .id_no "$T/ro")"
JM_TEST_BATCH=2 jm-receipt --dir "$T/d-batches" "$T/paid" >"$T/rb" 2>/dev/null
check_eq "batches of 2: every receipt checked, stored and indexed" "6 true 6" "$(jq -r .receipt.verified "$T/rb" | sort | uniq -c | awk '{ print $1, $2 }') $(sqlite3 "$JM_HOME/journal.db" "SELECT count(*) FROM receipt WHERE path LIKE '$T/d-batches/%'")"
check_same "... the same receipts as the first run" "$(jq -r .receipt.receipt_no "$T/r1" >"$T/n1"; echo "$T/n1")" "$(jq -r .receipt.receipt_no "$T/rb" >"$T/nb"; echo "$T/nb")"
# --verify checks its files on a pool of threads, 64 at a time, and says
# them in their order: 150 files, a forged one the 100th
mkdir "$T/many"
i=1
while [ $i -le 150 ]; do
	cp "$T/good.xml" "$T/many/$(printf %03d $i).xml"
	i=$((i + 1))
done
sed 's/<name>示例三</<name>示例九</' "$T/good.xml" >"$T/many/100.xml"
check_exit "150 receipts, one forged: exit 1" 1 jm-receipt --verify "$T"/many/*.xml
check_eq "... each said in its order, the forged one the 100th" "149 100" "$(grep -c ': genuine: ' "$T/exit.out") $(grep -n 'NOT genuine' "$T/exit.out" | cut -d: -f1)"
check_eq "unpaid records pass without a receipt" "null declined" "$(echo '{"payment":{"status":"declined"}}' | jm-receipt 2>/dev/null | jq -r '"\(.receipt) \(.payment.status)"')"
check_exit "--verify and --reconcile exclude each other" 64 jm-receipt --verify --reconcile "$f"

# a first batch of receipts that failed (their folder cannot be made)
# leaves the platform able to sign: its key file outlives the batch
fresh_platform
jm-register <"$ex" 2>/dev/null | jm-bind 2>/dev/null | jm-quote 2>/dev/null |
	jm-pay --yes --channel alipay 2>/dev/null >"$T/paid2"
check_exit "receipts into a folder that cannot be made: exit 2" 2 jm-receipt --dir /dev/null/x "$T/paid2"
check_eq "... and then every receipt issued and verified" "6 true" "$(jm-receipt "$T/paid2" 2>/dev/null | jq -r .receipt.verified | sort | uniq -c | awk '{ print $1, $2 }')"
# no session for this platform: the line says which one the session is for
jm-receipt --endpoint "sandbox:$T/other.db" --dir "$T/d-none" "$T/paid2" >/dev/null 2>"$T/nos.err"
check_eq "receipts from a platform the session is not for: why, on each line" 6 "$(grep -c "no payer is bound.*(the session on file is for $PLATFORM, not sandbox:$T/other.db)" "$T/nos.err")"
check_eq "... and --reconcile says it in one line" 1 "$(jm-receipt --reconcile --endpoint "sandbox:$T/other.db" 2>&1 | grep -c "no payer is bound on sandbox:$T/other.db (the session on file is for $PLATFORM, not sandbox:$T/other.db)")"
# a batch's files are written, then synced and renamed together: killed
# between the two, the next run stores every receipt, and a run sweeps the
# temporary files away once they are an hour old; another's are left alone
{ JM_TEST_BATCH=2 JM_TEST_KILL_AT=settle:2 jm-receipt --dir "$T/d-kill" "$T/paid"; } >"$T/rk" 2>/dev/null
check_eq "killed before the second batch's files were renamed: the first batch stored and indexed, two files under temporary names" "2 2 2" "$(sqlite3 "$JM_HOME/journal.db" "SELECT count(*) FROM receipt WHERE path LIKE '$T/d-kill/%'") $(find "$T/d-kill" -name '*.xml' | wc -l) $(find "$T/d-kill" -name '*.xml.*-*.tmp' | wc -l)"
y=$(find "$T/d-kill" -name '*.xml' | head -n 1)
y=$(dirname "$y")
: >"$y/R1.xml.2147483646.tmp"	# of a thread of jm before 2026-12
: >"$y/R2.xml.$$-0.tmp"		# of a process still running
: >"$y/notes.tmp"
JM_TEST_BATCH=2 jm-receipt --dir "$T/d-kill" "$T/paid" >"$T/rk2" 2>/dev/null
check_eq "... run again: every receipt stored" "6 6" "$(jq -r .receipt.verified "$T/rk2" | grep -c true) $(find "$T/d-kill" -name '*.xml' | wc -l)"
check_eq "... the killed run's temporary files left while under an hour old" 2 "$(find "$T/d-kill" -name '*.xml.*-*.tmp' ! -name "R2.xml.$$-0.tmp" | wc -l)"
touch -d '2 hours ago' "$y"/*.tmp
rm "$(find "$y" -name '*.xml' | head -n 1)"	# so that the run stores one
JM_TEST_BATCH=2 jm-receipt --dir "$T/d-kill" "$T/paid" >"$T/rk3" 2>/dev/null
left=
for f in "$y"/*; do
	case ${f##*/} in
	R*.xml | "R2.xml.$$-0.tmp" | notes.tmp) ;;
	*) left="$left ${f##*/}" ;;
	esac
done
check_eq "... an hour old, the killed run's temporary files gone, and an older jm's" "6 " "$(find "$y" -name '*.xml' | wc -l) $left"
check_eq "... a running process's and another program's left" "2" "$(cd "$y" && ls "R2.xml.$$-0.tmp" notes.tmp | wc -l)"
# a file that cannot be renamed into place stops the run, and the batch's
# other files do not stay behind under their temporary names
p=$(jq -r .receipt.path "$T/rk2" | head -n 1)
mkdir -p "$T/d-fail/${p#"$T/d-kill/"}"	# a folder where the file goes
check_exit "a receipt that cannot be put in place: exit 2" 2 env JM_TEST_BATCH=6 jm-receipt --dir "$T/d-fail" "$T/paid"
check_eq "... the line names the file, no record is written, no temporary file is left" "1 0 0" "$(grep -c "^jm-receipt: $T/d-fail/${p#"$T/d-kill/"}: Is a directory$" "$T/exit.err") $(wc -l <"$T/exit.out" | tr -d ' ') $(find "$T/d-fail" -name '*.tmp' | wc -l)"
# --verify opens no platform: in a data folder that has neither the key
# nor a sandbox, it says so, and makes nothing there
f1=$(jq -r .receipt.path "$T/r1" | sed -n 1p)
check_exit "--verify with no key kept and no sandbox to ask: not genuine, exit 1" 1 env JM_HOME="$T/fresh" jm-receipt --endpoint sandbox --verify "$f1"
check "... the line says what to give" grep -q "NOT genuine: the key that signed it is not kept in $T/fresh/keys, and there is no sandbox at $T/fresh/sandbox.db to ask for it: give --key FILE" "$T/exit.out"
check "... and nothing was made" test ! -e "$T/fresh"
# a newborn without an ID number is named by the registry's number
nb=$(jq -r 'select(.birth_cert_no) | .receipt.path' "$T/r1")
nbid=$(jq -r 'select(.birth_cert_no) | .registration.insured_id' "$T/r1")
check "a newborn's --verify line names the insured number" grep -q ": genuine: receipt R[0-9]*, [0-9.]* yuan, 示例六 $nbid, 2026$" "$(jm-receipt --verify "$nb" >"$T/nb"; echo "$T/nb")"
done_testing
