# fish completion for jm's programs: jm-register, jm-bind, jm-quote, jm-pay,
# jm-receipt, jm-sandbox. One file, installed under each program's name in
# vendor_completions.d; whichever loads first defines all six, afresh.

set -l progs jm-register jm-bind jm-quote jm-pay jm-receipt jm-sandbox
set -l year (date +%Y)
set -l years (seq (math $year - 3) (math $year + 1))

for p in $progs
    complete -c $p -e
    # the options every program takes (common/opts.c)
    complete -c $p -s '?' -l help -d 'Give this help list'
    complete -c $p -l usage -d 'Give a short usage message'
    complete -c $p -s V -l version -d 'Print program version'
    complete -c $p -l csv -d 'Input is a CSV roster, not JSON Lines'
    complete -c $p -l csv-sep -x -a "',' ';' '|' tab" -d 'CSV field separator'
    complete -c $p -l endpoint -x -a 'sandbox: https:// http://127.0.0.1:' \
        -d 'Platform: sandbox:[PATH] or https://HOST/...'
    complete -c $p -s j -l jobs -x -d 'Concurrent platform requests (1-64)'
    complete -c $p -s o -l output -r -F -d 'Write to FILE instead of stdout'
    complete -c $p -s q -l quiet -d 'Hide warnings'
    complete -c $p -l timeout -x -d 'Seconds per platform request'
    complete -c $p -s v -l verbose -d 'Say more on stderr'
end
complete -c jm-register -c jm-bind -c jm-quote -c jm-pay -l format -x \
    -a 'json text csv xlsx' -d 'Output format'
complete -c jm-receipt -l format -x -a 'json text html xml' -d 'Output format'
complete -c jm-sandbox -l format -x -a 'json text' -d 'Output format'
# jm-sandbox reads no files
complete -c jm-sandbox -f

complete -c jm-bind -l payer -x -d 'Bind this payer (ID number)'
complete -c jm-bind -l payer-name -x -d "The payer's name"
complete -c jm-bind -l phone -x -d "The payer's mobile number"
complete -c jm-bind -l code -x -d 'The code a real platform sent by SMS'
complete -c jm-bind -l family-account -x \
    -d 'Bind members to this employee account (门诊共济)'
complete -c jm-bind -l relation -x \
    -a 'spouse parent child sibling grandparent grandchild other' \
    -d 'Relation to the payer for records without one'
complete -c jm-bind -l status -d 'Say which payer, platform and mode are in use'
complete -c jm-bind -l logout -d 'End the session'

complete -c jm-quote -l year -x -a "$years" -d 'Coverage year (缴费年度)'
complete -c jm-quote -l item -x -a 'medical pension medical,pension' \
    -d 'Insurance item'
complete -c jm-quote -l grade -x \
    -a '200 300 400 500 600 700 800 900 1000 1500 2000 3000 4000 5000 6000' \
    -d "The pension's grade (缴费档次) in yuan"
complete -c jm-quote -l kind -x -a 'daily special' \
    -d 'Daily (日常) or special (特殊) payment'
complete -c jm-quote -l unpaid -d 'Pass on only people who still owe something'
complete -c jm-quote -l summary -d 'Progress report on stderr after the records'
complete -c jm-quote -l summary-by -x -a 'village town region none' \
    -d 'Group the report by'
complete -c jm-quote -l report -d 'Write the progress report instead'

complete -c jm-pay -l channel -x -a 'alipay wechat wanshitong bank family' \
    -d 'Payment channel'
complete -c jm-pay -l account -x \
    -d 'The employee account --channel family charges'
complete -c jm-pay -s y -l yes -d 'Pay without asking'
complete -c jm-pay -l dry-run -d 'Show who would be paid; pay nothing'
complete -c jm-pay -l max-total -x -d "Pay while this run's total stays within YUAN"
complete -c jm-pay -l summary -d 'Print a summary on stderr after the records'

complete -c jm-receipt -l dir -x -a '(__fish_complete_directories)' \
    -d 'Store receipts under DIR'
complete -c jm-receipt -l key -r -F -d "The platform's public key (PEM)"
complete -c jm-receipt -l reconcile -d "Compare the journal with the platform's payments"
complete -c jm-receipt -l since -x -a (date +%Y-%m-%d) \
    -d 'With --reconcile: only payments from DATE on'
complete -c jm-receipt -l summary -d 'Print a summary on stderr after the records'
complete -c jm-receipt -l verify -d 'Check the receipt FILEs offline'

complete -c jm-sandbox -l allow-remote -d 'With --listen: allow a non-loopback address'
complete -c jm-sandbox -l fault -x \
    -a 'drop-after-commit= drop-first= error-503= delay-ms= seed=' \
    -d 'With --listen: inject faults'
complete -c jm-sandbox -l listen -x -a '127.0.0.1:0' -d 'Serve the sandbox over HTTP'
complete -c jm-sandbox -l load -r -F -d 'Load fixtures (JSON Lines; - for stdin)'
complete -c jm-sandbox -l public-key -d 'Print the public key receipts are signed with'
complete -c jm-sandbox -l test-clock -d 'With --listen, for tests: requests may set the clock'
