#!/bin/sh
# jm-register --csv: CSV rosters as Excel and WPS write them, and broken ones.
. "$(dirname "$0")/lib.sh"
plan 70
export JM_TODAY=2026-11-27
CSV=$DATA/csv

# codes FILE: one word per record, the error code or "ok" if registered
codes() {
	jq -r '.error.code // (.registration | if . then "ok" else "?" end)' \
		"$1" | tr '\n' ' ' | sed 's/ $//'
}

# records FILE: the records without what jm-register adds
records() {
	jq -c 'del(.registration)' "$1"
}

# run NAME ARGS...: jm-register --csv into $T/NAME.out and $T/NAME.err
run() {
	r=$1
	shift
	jm-register --csv "$@" >"$T/$r.out" 2>"$T/$r.err"
	echo $? >"$T/$r.rc"
}

# Chinese column names and values
run zh "$CSV/family-zh.csv"
check_eq "a Chinese roster registers" "0 registered registered registered registered registered registered" \
	"$(cat "$T/zh.rc") $(jq -r .registration.status "$T/zh.out" | tr '\n' ' ' | sed 's/ $//')"
check_same "Chinese columns and values become record keys and values" \
	"$CSV/family-zh.out.jsonl" "$(records "$T/zh.out" >"$T/zh.rec"; echo "$T/zh.rec")"
check_eq "本人 配偶 父亲 母亲 儿子 女儿" "self spouse parent parent child child" \
	"$(jq -r .relation "$T/zh.out" | tr '\n' ' ' | sed 's/ $//')"
check_eq "低保 and 特困 are aid groups; 无 is none" "null null minimum-living extreme-poverty null null" \
	"$(jq -r .registration.aid "$T/zh.out" | tr '\n' ' ' | sed 's/ $//')"
check_eq "empty cells are left out of the record" "false false false" \
	"$(sed -n 2p "$T/zh.out" | jq -r '[has("phone"), has("aid"), has("id_type")] | map(tostring) | join(" ")')"
check_eq "the newborn's guardian was registered earlier in the file" "newborn 341122" \
	"$(sed -n 6p "$T/zh.out" | jq -r '.registration | "\(.category) \(.region)"')"
check_eq "a spreadsheet's 2026/10/1 is the date 2026-10-01" 2026-10-01 \
	"$(sed -n 6p "$T/zh.out" | jq -r .birth_date)"
check_eq "no message for a good roster" "" "$(cat "$T/zh.err")"

# English keys as column names, in any order
export JM_HOME="$T/home-en"
run en "$CSV/en.csv"
check_eq "record keys as column names" 0 "$(cat "$T/en.rc")"
check_eq "values under English keys pass unchanged" "self minimum-living 341122 | child pupil null" \
	"$(jq -r '"\(.relation) \(.aid) \(.region)"' "$T/en.out" | sed -n 1p) | $(jq -r '"\(.relation) \(.category) \(.aid)"' "$T/en.out" | sed -n 2p)"
export JM_HOME="$T/home"

# the dialects: byte-order mark and CRLF, other separators, sep= line
{ printf '\357\273\277'; sed 's/$/\r/' "$CSV/family-zh.csv"; } >"$T/bom.csv"
run bom "$T/bom.csv"
check_same "a BOM and CRLF line ends are read as Excel writes them" \
	"$CSV/family-zh.out.jsonl" "$(records "$T/bom.out" >"$T/bom.rec"; echo "$T/bom.rec")"
tr ',' ';' <"$CSV/family-zh.csv" >"$T/semi.csv"
run semi --csv-sep ';' "$T/semi.csv"
check_same "--csv-sep ';'" "$CSV/family-zh.out.jsonl" \
	"$(records "$T/semi.out" >"$T/semi.rec"; echo "$T/semi.rec")"
tr ',' '\t' <"$CSV/family-zh.csv" >"$T/tab.csv"
run tab --csv-sep tab "$T/tab.csv"
check_same "--csv-sep tab" "$CSV/family-zh.out.jsonl" \
	"$(records "$T/tab.out" >"$T/tab.rec"; echo "$T/tab.rec")"
run semi-comma "$T/semi.csv"
check_eq "a ';' roster read with ',' is a header error" "1 CSV_HEADER" "$(cat "$T/semi-comma.rc") $(codes "$T/semi-comma.out")"
check "the message suggests the separator" grep -q "separated by ';'? (see --csv-sep)" "$T/semi-comma.err"
{ echo 'sep=;'; cat "$T/semi.csv"; } >"$T/sepline.csv"
run sepline "$T/sepline.csv"
check_same "Excel's sep=; first line names the separator" "$CSV/family-zh.out.jsonl" \
	"$(records "$T/sepline.out" >"$T/sepline.rec"; echo "$T/sepline.rec")"

# quoting
run quoted "$CSV/quoted.csv"
check_eq "a quoted separator" "示例村,一组" "$(sed -n 1p "$T/quoted.out" | jq -r .village)"
check_eq "doubled quotes" '示例村"东"' "$(sed -n 2p "$T/quoted.out" | jq -r .village)"
check_eq "a newline inside quotes" "$(printf '示例村\n二组')" "$(sed -n 3p "$T/quoted.out" | jq -r .village)"
check_eq '="..." keeps an ID number text' "34112219650818004X ok" \
	"$(sed -n 4p "$T/quoted.out" | jq -r .id_no) $(codes "$T/quoted.out" | cut -d' ' -f4)"
check_eq "an error's line is the row's first physical line" "ID_LENGTH 7" \
	"$(sed -n 5p "$T/quoted.out" | jq -r '"\(.error.code) \(.error.line)"')"
check_eq "quoted empty cells are left out" '["id_no","name","registration"]' \
	"$(sed -n 6p "$T/quoted.out" | jq -c keys_unsorted)"
check_eq "stderr says the row's first line" "jm-register: $CSV/quoted.csv:7: 3411********1800: id_no: an ID number has 18 characters, not 16" \
	"$(cat "$T/quoted.err")"

run unbalanced "$CSV/unbalanced.csv"
check_eq "an unclosed quote: one error, the rows after it still registered" "1 CSV_SYNTAX ok ok" \
	"$(cat "$T/unbalanced.rc") $(codes "$T/unbalanced.out")"
check_eq "the unclosed quote is reported where it opens" "2 $CSV/unbalanced.csv a quoted field is not closed" \
	"$(sed -n 1p "$T/unbalanced.out" | jq -r '.error | "\(.line) \(.file) \(.message)"')"
check_eq "the error record keeps the line as input" '341122199003070017,示例一,"示例村' \
	"$(sed -n 1p "$T/unbalanced.out" | jq -r .error.input)"
check_eq "one stderr line for it" 1 "$(wc -l <"$T/unbalanced.err" | tr -d ' ')"
# the good row after the unclosed quote has quotes of its own
printf '%s\n' 身份证号,姓名,村/社区 '341122199003070017,"示例一,示例村' \
	'340202198801010021,"示例二","示例村"' >"$T/unb2.csv"
run unb2 "$T/unb2.csv"
check_eq "a later quoted row is not swallowed by the unclosed quote" "CSV_SYNTAX ok" "$(codes "$T/unb2.out")"
printf '%s\n' 身份证号,姓名 '341122199003070017,"示例一' >"$T/open-end.csv"
printf '%s\n' 'id_no,name' '340202198801010021,示例二' >"$T/next.csv"
run open-end "$T/open-end.csv" "$T/next.csv"
check_eq "a quote open at the end of a file ends there" "CSV_SYNTAX $T/open-end.csv:2 ok" \
	"$(jq -r '.error | "\(.code) \(.file):\(.line)"' "$T/open-end.out" | sed -n 1p) $(codes "$T/open-end.out" | cut -d' ' -f2-)"
printf '%s\n' 身份证号,姓名 '341122199003070017,示例"一' '340202198801010021,"示例二"x' >"$T/stray.csv"
run stray "$T/stray.csv"
check_eq "stray quotes are syntax errors" "CSV_SYNTAX CSV_SYNTAX" "$(codes "$T/stray.out")"
check_eq "and say why" "a quote inside an unquoted field|text after a closing quote" \
	"$(jq -r .error.message "$T/stray.out" | paste -sd'|' -)"
printf 'id_no,name\r341122199003070017,示例一\r' >"$T/cr.csv"
run cr "$T/cr.csv"
check_eq "lines ended by CR alone are a header error, not silence" "1 CSV_HEADER" "$(cat "$T/cr.rc") $(codes "$T/cr.out")"

# rows that do not fit the header
printf '%s\n' 身份证号,姓名 341122199003070017,示例一,示例村,x 340202198801010021,示例二,, \
	341122196205120031 >"$T/wide.csv"
run wide "$T/wide.csv"
check_eq "a row with more fields than the header" "1 CSV_SYNTAX ok MISSING_FIELD" "$(cat "$T/wide.rc") $(codes "$T/wide.out")"
check_eq "says how many" "the row has 4 fields, the header 2" "$(sed -n 1p "$T/wide.out" | jq -r .error.message)"
check_eq "empty fields past the header are no error; a short row lacks keys" "示例二 null" \
	"$(jq -r .name "$T/wide.out" | sed -n '2,3p' | paste -sd' ' -)"
awk 'BEGIN { printf "身份证号,姓名\n341122199003070017"; for (i = 0; i < 10000; i++) printf ",x"; printf "\n340202198801010021,示例二\n" }' >"$T/cols.csv"
run cols "$T/cols.csv"
check_eq "a 10,000-column row is a syntax error, the next row goes on" "1 CSV_SYNTAX ok" "$(cat "$T/cols.rc") $(codes "$T/cols.out")"
check_eq "and names the limit" "the row has more than 256 fields" "$(sed -n 1p "$T/cols.out" | jq -r .error.message)"
awk 'BEGIN { printf "身份证号"; for (i = 0; i < 10000; i++) printf ",c%d", i; printf "\n341122199003070017\n" }' >"$T/hcols.csv"
run hcols "$T/hcols.csv"
check_eq "a 10,000-column header is a header error" "1 CSV_HEADER" "$(cat "$T/hcols.rc") $(codes "$T/hcols.out")"

# headers that are wrong: the file is skipped, with one message
printf '%s\n' 'name,id_no' 示例五,341122201209010052 >"$T/second.csv"
printf '%s\n' foo,bar 341122199003070017,示例一 '' 340202198801010021,示例二 >"$T/nohead.csv"
run nohead "$T/nohead.csv" "$T/second.csv"
check_eq "a header naming no known column" "1 CSV_HEADER ok" "$(cat "$T/nohead.rc") $(codes "$T/nohead.out")"
check_eq "one stderr line counts the rows not read" \
	"jm-register: $T/nohead.csv:1: the first row names no known column (身份证号, 姓名, 参保地, ...): 2 rows not read" \
	"$(cat "$T/nohead.err")"
printf '%s\n' 身份证号,身份证号码,姓名 341122199003070017,341122199003070017,示例一 >"$T/twice.csv"
run twice "$T/twice.csv"
check_eq "two columns for the same key" "1 CSV_HEADER" "$(cat "$T/twice.rc") $(codes "$T/twice.out")"
check_eq "names both" 'the columns "身份证号" and "身份证号码" both give id_no: 1 row not read' \
	"$(jq -r .error.message "$T/twice.out")"
printf '%s\n' '*身份证号 ,姓名*,备注,备注,error' '341122199003070017, 示例一　,a,b,c' >"$T/extra.csv"
run extra "$T/extra.csv"
check_eq "unknown columns pass, '*' marks and spaces go" '{"id_no":"341122199003070017","name":"示例一","备注":"a"}' \
	"$(records "$T/extra.out")"
check_eq "a column named as a tool's key is ignored, with a warning" \
	'jm-register: warning: '"$T"'/extra.csv: the column "error" is ignored: the tools write that key' "$(cat "$T/extra.err")"

# encodings
iconv -f UTF-8 -t GB18030 "$CSV/family-zh.csv" >"$T/gbk.csv"
run gbk "$T/gbk.csv"
check_same "a GBK roster is read" "$CSV/family-zh.out.jsonl" "$(records "$T/gbk.out" >"$T/gbk.rec"; echo "$T/gbk.rec")"
check_eq "with a warning" "jm-register: warning: $T/gbk.csv: the file is in GBK (GB18030), not UTF-8: read as GBK" "$(cat "$T/gbk.err")"
check_eq "a GBK roster exits 0" 0 "$(cat "$T/gbk.rc")"
jm-register -q --csv "$T/gbk.csv" >/dev/null 2>"$T/gbkq.err"
check_eq "-q hides the warning" "" "$(cat "$T/gbkq.err")"
{ echo 'id_no,name,relation'; echo '341122199003070017,示例一,本人' | iconv -f UTF-8 -t GB18030; } >"$T/gbk-en.csv"
run gbk-en "$T/gbk-en.csv"
check_eq "GBK is found on the first line that is not ASCII" "示例一 self" "$(jq -r '"\(.name) \(.relation)"' "$T/gbk-en.out")"
{ echo '身份证号,姓名'; echo 341122199003070017,示例一; printf '340202198801010021,\312\276\300\375\n'; echo 341122196205120031,示例三; } >"$T/mixed.csv"
run mixed "$T/mixed.csv"
check_eq "an invalid UTF-8 row in a UTF-8 file" "1 ok CSV_ENCODING ok" "$(cat "$T/mixed.rc") $(codes "$T/mixed.out")"
check_eq "the encoding error says where and what to do" "3 the line is not UTF-8: save the roster as \"CSV UTF-8\", or convert it with iconv -f GB18030 -t UTF-8" \
	"$(sed -n 2p "$T/mixed.out" | jq -r '.error | "\(.line) \(.message)"')"
check_eq "its input is repaired to UTF-8" "340202198801010021,ʾ��" "$(sed -n 2p "$T/mixed.out" | jq -r .error.input)"
{ cat "$T/gbk.csv"; printf '341122199501010017,\377\n'; } >"$T/gbk-bad.csv"
run gbk-bad "$T/gbk-bad.csv"
check_eq "a GBK roster's line that is not GB18030" "CSV_ENCODING 8 the line is not GB18030 as the rest of the file is" \
	"$(sed -n 7p "$T/gbk-bad.out" | jq -r '.error | "\(.code) \(.line) \(.message)"')"
printf 'id_no,name\n341122199003070017,x\n' | iconv -f UTF-8 -t UTF-16LE >"$T/utf16.csv"
{ printf '\377\376'; cat "$T/utf16.csv"; } >"$T/utf16b.csv"
run utf16 "$T/utf16b.csv"
check_eq "a UTF-16 file is one encoding error" "1 CSV_ENCODING" "$(cat "$T/utf16.rc") $(codes "$T/utf16.out")"

# ID numbers a spreadsheet destroyed
printf '%s\n' 身份证号,姓名 3.41122E+17,示例一 341122199003070000,示例二 >"$T/excel.csv"
run excel "$T/excel.csv"
check_eq "3.41122E+17 and 15 digits and 000 are spreadsheet damage" "ID_SPREADSHEET ID_SPREADSHEET" "$(codes "$T/excel.out")"
check "the message says to format the column as text" grep -q 'format the column as text' "$T/excel.err"
check_eq "one stderr line each" 2 "$(wc -l <"$T/excel.err" | tr -d ' ')"

# blank lines, several files, stdin
printf '%s\n' '' 姓名,身份证号 '' ',' 示例一,341122199003070017 ' ' ',,' 示例二,3402021988010100x1 >"$T/blank.csv"
run blank "$T/blank.csv"
check_eq "blank lines are skipped, line numbers stay physical" "ok ID_CHARS@8" \
	"$(jq -r 'if .error then "\(.error.code)@\(.error.line)" else "ok" end' "$T/blank.out" | tr '\n' ' ' | sed 's/ $//')"
run several "$CSV/en.csv" "$T/second.csv" "$CSV/unbalanced.csv"
check_eq "several files, each with its own header" "ok ok ok CSV_SYNTAX ok ok" "$(codes "$T/several.out")"
check_eq "the error names its file" "$CSV/unbalanced.csv:2" "$(jq -r 'select(.error) | "\(.error.file):\(.error.line)"' "$T/several.out")"
jm-register --csv <"$CSV/unbalanced.csv" >"$T/stdin.out" 2>"$T/stdin.err"
check_eq "stdin: no file in the error, <stdin> on stderr" "null jm-register: <stdin>:2: a quoted field is not closed" \
	"$(sed -n 1p "$T/stdin.out" | jq -r .error.file) $(cat "$T/stdin.err")"

# limits
awk 'BEGIN { printf "身份证号,姓名\n\"341122199003070017"; for (i = 0; i < 70; i++) printf "\nx"; printf "\n340202198801010021,示例二\n" }' >"$T/lines.csv"
run lines "$T/lines.csv"
check_eq "a quoted field runs at most 64 lines" CSV_SYNTAX "$(codes "$T/lines.out" | cut -d' ' -f1)"
check_eq "the lines after it are read again" ok "$(codes "$T/lines.out" | awk '{ print $NF }')"
awk 'BEGIN { printf "身份证号,姓名\n341122199003070017,"; for (i = 0; i < 1100000; i++) printf "x"; printf "\n340202198801010021,示例二\n" }' >"$T/long.csv"
run long "$T/long.csv"
check_eq "a line longer than 1 MiB" "LINE_TOO_LONG ok" "$(codes "$T/long.out")"
check_eq "says how long" "the line has 1100019 bytes, more than the limit of 1048576" "$(sed -n 1p "$T/long.out" | jq -r .error.message)"
awk 'BEGIN { printf "身份证号,姓名\n341122199003070017,\"x\n"; for (i = 0; i < 3000000; i++) printf "x"; printf "\n\"\n340202198801010021,示例二\n" }' >"$T/long2.csv"
run long2 "$T/long2.csv"
check_eq "a long line inside quotes" "CSV_SYNTAX LINE_TOO_LONG CSV_SYNTAX ok" "$(codes "$T/long2.out")"
printf '身份证号,姓名\n341122199003070017,示\000例\n340202198801010021,示例二\n' >"$T/nul.csv"
run nul "$T/nul.csv"
check_eq "a NUL byte is an encoding error" "CSV_ENCODING ok" "$(codes "$T/nul.out")"
for rc in "$T"/*.rc; do
	grep -c '"error"' "${rc%.rc}.out"
	grep -vc ': warning: ' "${rc%.rc}.err"
done | paste - - | awk '$1 != $2 { bad++ } END { print bad + 0 }' >"$T/said"
check_eq "one stderr line per error, in every run above" 0 "$(cat "$T/said")"
check_exit "--csv of an empty file" 0 jm-register --csv /dev/null
check_exit "--csv of a header alone" 0 sh -c 'echo 身份证号,姓名 | jm-register --csv'
done_testing
