# bash completion for jm: jm-register, jm-bind, jm-quote, jm-pay, jm-receipt,
# jm-sandbox. One script, installed under each program's name in
# bash-completion's completions folder (loaded on demand), or sourced.
# Works with bash-completion's helpers when they are loaded, and without.

# The options every program takes (argp's child in common/opts.c).
_jm_common='--csv --csv-sep --endpoint --format --help --jobs --output
--quiet --timeout --usage --verbose --version'

# _jm_options PROG: the long options of PROG besides the common ones
_jm_options()
{
	case $1 in
	jm-bind)
		echo '--code --family-account --logout --payer --payer-name
		    --phone --relation --status' ;;
	jm-quote)
		echo '--grade --item --kind --report --summary --summary-by
		    --unpaid --year' ;;
	jm-pay)
		echo '--account --channel --dry-run --max-total --summary
		    --yes' ;;
	jm-receipt)
		echo '--dir --key --reconcile --since --summary --verify' ;;
	jm-sandbox)
		echo '--allow-remote --fault --listen --load --public-key
		    --test-clock' ;;
	esac
}

# _jm_formats PROG: what --format PROG accepts
_jm_formats()
{
	case $1 in
	jm-receipt) echo 'json text html xml' ;;
	jm-sandbox) echo 'json text' ;;
	*) echo 'json text csv xlsx' ;;
	esac
}

# _jm_years: coverage years around today's, the next one first collected
_jm_years()
{
	local y i
	y=$(date +%Y)
	for ((i = y - 3; i <= y + 1; i++)); do
		echo "$i"
	done
}

# _jm_files [dirs]: file names (or only folders) into COMPREPLY
_jm_files()
{
	if declare -F _filedir >/dev/null; then
		if [[ ${1-} == dirs ]]; then _filedir -d; else _filedir; fi
		return
	fi
	local IFS=$'\n'
	compopt -o filenames 2>/dev/null
	if [[ ${1-} == dirs ]]; then
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
	else
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
	fi
}

# _jm_value PROG OPTION: the values of OPTION into COMPREPLY; 1 when
# OPTION takes no value
_jm_value()
{
	local words=''
	case $2 in
	--channel) words='alipay wechat wanshitong bank family' ;;
	--kind) words='daily special' ;;
	--item) words='medical pension medical,pension' ;;
	--relation)
		words='spouse parent child sibling grandparent grandchild other'
		;;
	--summary-by) words='village town region none' ;;
	--year) words=$(_jm_years) ;;
	--grade)
		words='200 300 400 500 600 700 800 900 1000 1500 2000 3000
		    4000 5000 6000' ;;
	--format) words=$(_jm_formats "$1") ;;
	--csv-sep) words=', ; | tab' ;;
	--endpoint) words='sandbox: https:// http://127.0.0.1:' ;;
	--listen) words='127.0.0.1:0 127.0.0.1:' ;;
	--fault) words='drop-after-commit= drop-first= error-503= delay-ms= seed=' ;;
	--since) words=$(date +%Y-%m-%d) ;;
	--dir) _jm_files dirs; return 0 ;;
	-o | --output | --load | --key) _jm_files; return 0 ;;
	--timeout | -j | --jobs | --max-total | --payer | --payer-name | \
	    --phone | --code | --family-account | --account)
		COMPREPLY=(); return 0 ;;
	*) return 1 ;;
	esac
	mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
	case $2 in
	--endpoint | --listen | --fault) compopt -o nospace 2>/dev/null ;;
	esac
	return 0
}

_jm()
{
	local prog=${1##*/} cur=${COMP_WORDS[COMP_CWORD]} prev='' pre=''
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	COMPREPLY=()
	# --opt=value: '=' is a word of its own when it breaks words
	if [[ $cur == = ]]; then
		cur=
	elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
		prev=${COMP_WORDS[COMP_CWORD - 2]}
	elif [[ $cur == --*=* ]]; then
		prev=${cur%%=*}
		pre=$prev=
		cur=${cur#*=}
	fi
	if _jm_value "$prog" "$prev"; then
		if [[ -n $pre ]]; then
			COMPREPLY=("${COMPREPLY[@]/#/$pre}")
		fi
		return 0
	fi
	if [[ $cur == -* || $prog == jm-sandbox ]]; then
		# shellcheck disable=SC2207 # words without spaces
		COMPREPLY=($(compgen -W "$_jm_common $(_jm_options "$prog")" \
		    -- "$cur"))
		return 0
	fi
	_jm_files
}

complete -F _jm jm-register jm-bind jm-quote jm-pay jm-receipt jm-sandbox
