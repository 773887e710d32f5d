#!/bin/sh
# Excel in and out: --format csv and xlsx on jm-register, jm-bind, jm-quote
# and jm-pay; read back by jm, by python3's csv module, by openpyxl and by
# xlsx2csv; spreadsheet damage in CSV input; workbooks never written over.
. "$(dirname "$0")/lib.sh"
plan 54
export JM_TODAY=2025-11-20 JM_RETRY_BASE_MS=1
cd "$T" || exit 2
PY=/usr/bin/python3
cr=$(printf '\r')

# a village roster as a cadre keeps it: 30 people of 当涂县 in two villages,
# one with a comma and a quote in its name, one whose name starts a formula
roster 30 340521 13900000001 | jq -c 'if input_line_number <= 20
    then . + {town: "姑孰镇", village: "示例村"}
    else . + {town: "姑孰镇", village: "新\"桥\",社区"} end' >roster.jsonl
sed -n 30p roster.jsonl | jq -c '.village = "=1+2"' >formula.jsonl
sed -i '30d' roster.jsonl
cat formula.jsonl >>roster.jsonl

# CSV out of jm-register
jm-register --format csv roster.jsonl >reg.csv 2>reg.err
check_eq "jm-register --format csv exits 0" 0 "$?"
check_eq "a byte-order mark first (Excel reads UTF-8)" "efbbbf" "$(head -c 3 reg.csv | od -An -tx1 | tr -d ' \n')"
check_eq "every line ends CR LF" 31 "$(grep -c "$cr\$" reg.csv)"
check_eq "the header row, in Chinese" \
	"姓名,身份证号,证件类型,手机号,与缴费人关系,人员类别,资助类别,参保地,乡镇/街道,村/社区,出生日期,出生医学证明编号,监护人身份证号,参保编号,登记状态,登记时间,错误代码,错误说明" \
	"$(head -n 1 reg.csv | sed '1s/^\xef\xbb\xbf//' | tr -d '\r')"
id1=$(sed -n 1p roster.jsonl | jq -r .id_no)
check "an ID number is written as =\"...\" so Excel and WPS keep it text" \
	grep -q "^示例一,\"=\"\"$id1\"\"\",,\"=\"\"13900000001\"\"\",本人,居民,,\"=\"\"340521\"\"\",姑孰镇,示例村," reg.csv
check "a value with a comma and quotes is quoted (RFC 4180)" grep -q ',"新""桥"",社区",' reg.csv
check "a cell that would start a formula gets a leading '" grep -q ",'=1+2," reg.csv
check "values people read: 登记状态 已登记" grep -q ',已登记,' reg.csv

# read back: python3's csv module, and jm itself
$PY - reg.csv >py.out <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
for r in rows:
    v = r["身份证号"]
    if v.startswith('="') and v.endswith('"'):
        v = v[2:-1]
    print(v)
EOF
check_eq "python3's csv module reads 30 rows" 30 "$(wc -l <py.out | tr -d ' ')"
check_eq "... every 18-character ID intact" "$(jq -r .id_no roster.jsonl)" "$(cat py.out)"
jm-register --csv reg.csv >back.jsonl 2>back.err
check_eq "jm-register --csv reads its own CSV back" 0 "$?"
check_eq "... the same people, already registered" "$(jq -r '"\(.id_no) existing"' roster.jsonl)" \
	"$(jq -r '"\(.id_no) \(.registration.status)"' back.jsonl)"
check_eq "... with the Chinese values mapped back" "self 13900000001 姑孰镇 示例村" \
	"$(head -n 1 back.jsonl | jq -r '"\(.relation) \(.phone) \(.town) \(.village)"')"

# CSV out of jm-bind, jm-quote and jm-pay
jm-register roster.jsonl 2>/dev/null | jm-bind --format csv >bind.csv 2>/dev/null
check "jm-bind --format csv: the member numbers" grep -q "^姑孰镇,示例村,示例一,\"=\"\"$id1\"\"\",.*,本人," bind.csv
jm-register roster.jsonl 2>/dev/null | jm-bind 2>/dev/null >bound.jsonl
jm-quote --format csv bound.jsonl >quote.csv 2>/dev/null
check "jm-quote --format csv: money as yuan with two decimals, statuses in Chinese" \
	grep -q "^姑孰镇,示例村,示例一,\"=\"\"$id1\"\"\",.*,2026,日常缴费,400.00,0.00,0.00,400.00,未缴,2025-12-31,,$cr\$" quote.csv
jm-quote --format csv --report bound.jsonl >report.csv 2>/dev/null
check_eq "jm-quote --report --format csv: a row per village and the total" \
	"乡镇/街道,村/社区,人数,已缴,部分缴纳,未缴,资助代缴,未登记,其他错误,欠缴金额,缴费率(%),截止日期,剩余天数
姑孰镇,示例村,20,0,0,20,0,0,0,8000.00,0.0,2025-12-31,41
姑孰镇,\"新\"\"桥\"\",社区\",9,0,0,9,0,0,0,3600.00,0.0,2025-12-31,41
姑孰镇,'=1+2,1,0,0,1,0,0,0,400.00,0.0,2025-12-31,41
合计,,30,0,0,30,0,0,0,12000.00,0.0,2025-12-31,41" \
	"$(sed '1s/^\xef\xbb\xbf//' report.csv | tr -d '\r')"
jm-quote bound.jsonl 2>/dev/null | sed -n 1,5p | jm-pay --yes --channel alipay --format csv >pay.csv 2>/dev/null
check "jm-pay --format csv: amount, status, channel, order" \
	grep -q "^姑孰镇,示例村,示例一,\"=\"\"$id1\"\"\",城乡居民医保,2026,400.00,已缴,支付宝,\"=\"\"[^\"]*\"\"\",\"=\"\"[^\"]*\"\"\",2025-11-20T" pay.csv
check_exit "jm-pay --dry-run --format csv is a usage error" 64 jm-pay --dry-run --channel alipay --format csv bound.jsonl
check_exit "jm-receipt takes no --format csv" 64 jm-receipt --format csv /dev/null

# workbooks
jm-quote --format xlsx --output season.xlsx bound.jsonl 2>xlsx.err
check_eq "jm-quote --format xlsx --output FILE exits 0" 0 "$?"
check_eq "a zip file (xlsx), private like every file jm writes" "PK 600" \
	"$(head -c 2 season.xlsx) $(stat -c %a season.xlsx)"
$PY - season.xlsx >wb.out <<'EOF'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
print("|".join(wb.sheetnames))
ws = wb[wb.sheetnames[1]]
head = [c.value for c in ws[1]]
print(ws.freeze_panes, ws.max_row)
row = {h: c for h, c in zip(head, ws[2])}
row7 = {h: c for h, c in zip(head, ws[7])}
for k in ("身份证号", "手机号", "应缴", "年度"):
    c = row7[k]
    print(k, c.data_type, c.value, c.number_format)
s = wb["汇总"]
print([c.value for c in s[s.max_row]][:4], s.cell(s.max_row, 10).value)
EOF
check_eq "a summary sheet first, then a sheet per village (safe names)" \
	"汇总|姑孰镇 示例村|姑孰镇 新\"桥\",社区|姑孰镇 =1+2" "$(sed -n 1p wb.out)"
check_eq "the header row is frozen; 20 people in 示例村" "A2 21" "$(sed -n 2p wb.out)"
id6=$(sed -n 6p roster.jsonl | jq -r .id_no)
check_eq "the ID number is text, all 18 characters" "身份证号 s $id6 @" "$(sed -n 3p wb.out)"
check_eq "... and 示例一's phone number is text" "str 13900000001 @" \
	"$($PY -c 'import openpyxl,sys; c=openpyxl.load_workbook(sys.argv[1]).worksheets[1]["E2"]; print(type(c.value).__name__, c.value, c.number_format)' season.xlsx)"
check_eq "money is a number with two decimals" "应缴 n 400 0.00" "$(sed -n 5p wb.out)"
check_eq "the year is a number" "年度 n 2026 General" "$(sed -n 6p wb.out)"
check_eq "the summary's total: 5 paid, 10000.00 outstanding" "['合计', None, 30, 5] 10000" "$(sed -n 7p wb.out)"
xlsx2csv -s 2 season.xlsx >sheet2.csv 2>/dev/null
check "xlsx2csv shows the 18-digit IDs intact" grep -q "^姑孰镇,示例村,示例一,$id1,13900000001," sheet2.csv
xlsx2csv -s 2 season.xlsx | jm-register --csv >fromxlsx.jsonl 2>/dev/null
check_eq "xlsx2csv | jm-register --csv: the workbook's people, registered" "20 existing" \
	"$(jq -r .registration.status fromxlsx.jsonl | sort | uniq -c | awk '{print $1, $2}')"
check_eq "--summary-by none: the people on one sheet" "汇总|名单" \
	"$(jm-quote --format xlsx --summary-by none -o one.xlsx bound.jsonl 2>/dev/null; $PY -c 'import openpyxl,sys; print("|".join(openpyxl.load_workbook(sys.argv[1]).sheetnames))' one.xlsx)"
sed -n 1p bound.jsonl | jq -c 'del(.town) | .village = "汇总"' >huizong.jsonl
check_eq "a village named 汇总 does not write into the summary sheet" "汇总|汇总(村)" \
	"$(jm-quote --format xlsx -o hz.xlsx huizong.jsonl 2>/dev/null; $PY -c 'import openpyxl,sys; print("|".join(openpyxl.load_workbook(sys.argv[1]).sheetnames))' hz.xlsx)"
jm-quote --report --format xlsx -o report.xlsx bound.jsonl 2>/dev/null
check_eq "--report --format xlsx: the report alone" "汇总 5" \
	"$($PY -c 'import openpyxl,sys; wb=openpyxl.load_workbook(sys.argv[1]); print("|".join(wb.sheetnames), wb.active.max_row)' report.xlsx)"
jm-register --format xlsx -o reg.xlsx roster.jsonl 2>/dev/null
check_eq "jm-register --format xlsx: one sheet, IDs as text" "名单 str @ 31" \
	"$($PY -c 'import openpyxl,sys; ws=openpyxl.load_workbook(sys.argv[1]).active; c=ws["B2"]; print(ws.title, type(c.value).__name__, c.number_format, ws.max_row)' reg.xlsx)"
jm-register roster.jsonl 2>/dev/null | jm-bind --format xlsx -o bind.xlsx 2>/dev/null
check "jm-bind --format xlsx" test -s bind.xlsx
jm-quote bound.jsonl 2>/dev/null | sed -n 1,5p | jm-pay --yes --channel alipay --format xlsx -o pay.xlsx 2>/dev/null
check_eq "jm-pay --format xlsx: amounts as numbers" "n 400 0.00" \
	"$($PY -c 'import openpyxl,sys; c=openpyxl.load_workbook(sys.argv[1]).active["G2"]; print(c.data_type, c.value, c.number_format)' pay.xlsx)"

# never written over; never to a terminal or a pipe
echo keep >exists.xlsx
check_exit "an existing --output file: refused, exit 64" 64 jm-quote --format xlsx -o exists.xlsx bound.jsonl
check "the message names the file" grep -q "^jm-quote: --output exists.xlsx: the file exists" "$T/exit.err"
check_eq "the file is untouched, the platform not asked" "keep" "$(cat exists.xlsx)"
check_eq "no temporary file left beside it" "" "$(find . -maxdepth 1 -name '*jm-xlsx*')"
check_exit "no --output and stdout not a file: refused, exit 64" 64 sh -c 'jm-register --format xlsx roster.jsonl >/dev/null'
sh -c '{ jm-register --format xlsx roster.jsonl 2>/dev/null; echo $? >pipe.st; } | cat >/dev/null'
check_eq "... nor a pipe" 64 "$(cat pipe.st)"
check "the message says to give --output" grep -q -- "--format xlsx writes a workbook to a file: give --output FILE.xlsx" "$T/exit.err"
jm-register --format xlsx roster.jsonl >stdout.xlsx 2>/dev/null
check_eq "stdout that is a file takes the workbook" "PK" "$(head -c 2 stdout.xlsx)"
JM_TODAY=2025-13-01 jm-register --format xlsx -o never.xlsx roster.jsonl 2>/dev/null
check_eq "a run that stops leaves no workbook and no temporary file" 2 "$?"
check_eq "... nothing" "" "$(find . -maxdepth 1 \( -name '*never*' -o -name '*jm-xlsx*' \))"
check_exit "--format pdf is a usage error" 64 jm-quote --format pdf /dev/null

# libxlsxwriter is loaded only to write a workbook
check_eq "jm-register does not link libxlsxwriter" 0 "$(ldd "$(command -v jm-register)" | grep -c xlsxwriter)"
check_eq "... nor loads it for JSON" 0 "$(LD_DEBUG=libs jm-register roster.jsonl 2>&1 >/dev/null | grep -c 'calling init:.*xlsxwriter')"
check "... but does for a workbook" sh -c "LD_DEBUG=libs jm-register --format xlsx -o ld.xlsx roster.jsonl 2>&1 >/dev/null | grep -q 'calling init:.*xlsxwriter'"

# spreadsheet damage in CSV input, and the dialects Excel and WPS write
printf '\357\273\277姓名;身份证号;乡镇/街道;村/社区\r\n示例一;3.41122E+17;姑孰镇;示例村\r\n示例二;341122199003070000;姑孰镇;示例村\r\n示例三;341122199003070016.000000;姑孰镇;示例村\r\n示例四;%s;姑孰镇;示例村\r\n' \
	"$(mkid 340521 19900101 123)" >damaged.csv
jm-register --csv --csv-sep ';' damaged.csv >damaged.jsonl 2>damaged.err
check_eq "scientific notation, 15 digits and zeros, a number cell: ID_SPREADSHEET" \
	"ID_SPREADSHEET ID_SPREADSHEET ID_SPREADSHEET registered" \
	"$(jq -r '.error.code // .registration.status' damaged.jsonl | paste -sd' ' -)"
check_eq "... each saying to format the column as text" 3 \
	"$(grep -c 'a spreadsheet turned the ID number into a number and rounded it: format the column as text and enter it again' damaged.err)"
check_eq "a BOM, CR LF and ';' with --csv-sep: the good row reads, with its village" "姑孰镇 示例村" \
	"$(jq -r 'select(.registration) | "\(.town) \(.village)"' damaged.jsonl)"
check_eq "the report counts the damaged rows as errors of their village" "4 1 3" \
	"$(jm-quote --report damaged.jsonl 2>/dev/null | jq -r 'select(.group == "village") | "\(.people) \(.unpaid) \(.errors)"')"
done_testing
