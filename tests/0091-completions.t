#!/bin/sh
# --help, the manual and the completions say the same: every --long option
# of `PROG --help` is in man/PROG.1 and completed by bash, zsh and fish for
# PROG, and no completion offers an option the program lacks. The values
# completed are those the programs accept. The scripts lint clean, and
# bash (with and without bash-completion), zsh and fish really complete.
# A shell or linter that is missing is skipped.
. "$(dirname "$0")/lib.sh"
C=$(cd "$TESTS/../completions" && pwd)
MAN=$(cd "$TESTS/../man" && pwd)
PROGS="jm-register jm-bind jm-quote jm-pay jm-receipt jm-sandbox"
bs=$(printf '\b')

# skips N REASON: N tests skipped
skips() {
	k=0
	while [ "$k" -lt "$1" ]; do
		n=$((n + 1))
		k=$((k + 1))
		echo "ok $n # skip $2"
	done
}

# bash_complete [bash-completion] WORD...: what bash completes for the
# last WORD, on one line, driving the completion function as readline
# would (WORDs split as COMP_WORDBREAKS splits them: --opt = value)
bash_complete() {
	fw=
	if [ "$1" = bash-completion ]; then
		fw=/usr/share/bash-completion/bash_completion
		shift
	fi
	bash -c '
		fw=$1 c=$2
		shift 2
		if [ -n "$fw" ]; then . "$fw"; fi
		. "$c"
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_jm "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " " |
		    sed "s/ \$//"' sh "$fw" "$C/jm.bash" "$@" 2>&1
}

# zsh_options PROG / fish_options PROG: the long options the file
# completes for PROG (the common ones and PROG's own), one a line
zsh_options() {
	awk -v p="$1" '
	/^common=\(/ || $0 == p ")" { on = 1 }
	on { print }
	on && (/^\)/ || /^\t;;/) { on = 0 }' "$C/_jm" |
	    grep -oE -- '--[a-z][a-z0-9-]*(=|\[|\})' | tr -d '[=}' | sort -u
}
fish_options() {
	grep -E -- "-c (\\\$p|$1)( |$)|-c $1 " "$C/jm.fish" |
	    grep -o -- ' -l [a-z][a-z0-9-]*' | sed 's/ -l /--/' | sort -u
}

# Every --long option of --help: in the manual, in each completion.
bash_ok=0
command -v bash >/dev/null 2>&1 && bash_ok=1
for prog in $PROGS; do
	if ! command -v "$prog" >/dev/null 2>&1; then
		fail "$prog is on PATH"
		continue
	fi
	"$prog" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u >"$T/help"
	mandoc -Tascii -Owidth=400 "$MAN/$prog.1" 2>/dev/null |
	    sed "s/.$bs//g" | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u >"$T/man"
	[ "$bash_ok" = 1 ] && bash_complete "$prog" -- | tr ' ' '\n' |
	    grep -- '^--' | sort -u >"$T/bash"
	zsh_options "$prog" >"$T/zsh"
	fish_options "$prog" >"$T/fish"
	missing=
	for where in man bash zsh fish; do
		[ "$where" = bash ] && [ "$bash_ok" = 0 ] && continue
		for opt in $(comm -23 "$T/help" "$T/$where"); do
			missing="$missing $where:$opt"
		done
	done
	check_eq "every option of $prog --help ($(wc -l <"$T/help" | tr -d ' ')) is in $prog.1, and completed by bash, zsh and fish" \
		"" "${missing# }"
	extra=
	for sh in bash zsh fish; do
		[ -s "$T/$sh" ] || continue
		for opt in $(comm -13 "$T/help" "$T/$sh"); do
			extra="$extra $sh:$opt"
		done
	done
	check_eq "... and no completion offers an option $prog lacks" "" "${extra# }"
done

# The values completed are the ones the programs accept.
vals() { bash_complete "$@" | tr ' ' ','; }
accepts() { "$@" 2>&1 | sed -n "s/.* is not one of //p" | head -n 1 | tr -d ' '; }
if [ "$bash_ok" = 1 ]; then
	for prog in $PROGS; do
		check_eq "$prog --format: the formats it accepts" \
			"$(accepts "$prog" --format x | tr ',' '\n' | sort | tr '\n' ',' | sed 's/,$//')" \
			"$(vals "$prog" --format "")"
	done
	check_eq "jm-pay --channel: the channels it accepts" \
		"$(accepts jm-pay --channel x | tr ',' '\n' | sort | tr '\n' ',' | sed 's/,$//')" \
		"$(vals jm-pay --channel "")"
	check_eq "jm-quote --summary-by: the groupings it accepts" \
		"$(accepts jm-quote --summary-by x | tr ',' '\n' | sort | tr '\n' ',' | sed 's/,$//')" \
		"$(vals jm-quote --summary-by "")"
	check_eq "jm-quote --grade: the grades of the policy tables" \
		"$(jq -r '.. | .grades_fen? // empty | .[] / 100' "$TESTS/../share/policy/pension.json" | sort -u | sort | tr '\n' ',' | sed 's/,$//')" \
		"$(vals jm-quote --grade "")"
	y=$(date +%Y)
	check_eq "jm-quote --year: the years around this one, the next first collected" \
		"$((y - 3)),$((y - 2)),$((y - 1)),$y,$((y + 1))" "$(vals jm-quote --year "")"
	for v in medical pension medical,pension; do
		check_exit "jm-quote --item $v, as completed, is accepted" 0 \
			sh -c "printf '' | jm-quote --item $v"
	done
	for v in $(bash_complete jm-bind --relation ""); do
		jm-bind --relation "$v" </dev/null >/dev/null 2>&1 ||
		    bad="${bad:-} $v"
	done
	check_eq "jm-bind --relation: every relation completed is accepted" "" "${bad:-}"
else
	skips 14 "no bash"
fi

# Lint: shellcheck, zsh -n, fish -n
if command -v shellcheck >/dev/null 2>&1; then
	check "shellcheck -s bash completions/jm.bash" shellcheck -s bash "$C/jm.bash"
else
	skips 1 "no shellcheck"
fi
if command -v zsh >/dev/null 2>&1; then
	check "zsh -n completions/_jm" zsh -n "$C/_jm"
	check "_jm names every program on its #compdef line" \
		test "$(head -n 1 "$C/_jm")" = "#compdef $PROGS"
else
	skips 2 "no zsh"
fi
if command -v fish >/dev/null 2>&1; then
	check "fish -n completions/jm.fish" fish -n "$C/jm.fish"
else
	skips 1 "no fish"
fi

# bash completes, as a user presses TAB
if [ "$bash_ok" = 1 ]; then
	mkdir -p "$T/files/receipts"
	: >"$T/files/family.jsonl"
	cd "$T/files" || exit 2
	for fw in "" bash-completion; do
		if [ -n "$fw" ] &&
		    [ ! -f /usr/share/bash-completion/bash_completion ]; then
			skips 10 "bash-completion is not installed"
			continue
		fi
		w=${fw:+"with bash-completion: "}
		check_eq "${w}jm-pay --channel a<TAB> gives alipay" alipay \
			"$(bash_complete $fw jm-pay --channel a)"
		check_eq "${w}jm-pay --channel=w<TAB> gives wechat and wanshitong" \
			"wanshitong wechat" "$(bash_complete $fw jm-pay --channel = w)"
		check_eq "${w}jm-pay --ch<TAB> gives --channel" --channel \
			"$(bash_complete $fw jm-pay --ch)"
		check_eq "${w}jm-quote --item m<TAB>" "medical medical,pension" \
			"$(bash_complete $fw jm-quote --item m)"
		check_eq "${w}jm-quote --kind <TAB>" "daily special" \
			"$(bash_complete $fw jm-quote --kind "")"
		check_eq "${w}jm-quote --grade 5<TAB>" "500 5000" \
			"$(bash_complete $fw jm-quote --grade 5)"
		check_eq "${w}jm-bind --relation gr<TAB>" "grandchild grandparent" \
			"$(bash_complete $fw jm-bind --relation gr)"
		check_eq "${w}jm-register fa<TAB> completes a file" family.jsonl \
			"$(bash_complete $fw jm-register fa)"
		check_eq "${w}jm-receipt --dir <TAB> offers folders only" receipts \
			"$(bash_complete $fw jm-receipt --dir "")"
		check_eq "${w}jm-quote -o fa<TAB> completes a file" family.jsonl \
			"$(bash_complete $fw jm-quote -o fa)"
	done
	cd "$T" || exit 2
else
	skips 20 "no bash"
fi

# zsh completes (a zsh in a pseudo-terminal, its completion system loaded)
if command -v zsh >/dev/null 2>&1 && zsh -c 'zmodload zsh/zpty' 2>/dev/null; then
	cat >"$T/capture.zsh" <<'EOF'
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PROMPT= ; fpath=($1 \$fpath); autoload -U compinit; compinit -u -D"
zpty -w z 'for p in jm-register jm-bind jm-quote jm-pay jm-receipt jm-sandbox; do eval "$p() {}"; done'
zpty -w z 'compadd () { builtin compadd -O __hits "$@"; builtin compadd "$@"; print -l -- JM''BEGIN $__hits JM''END >&2 }'
zpty -w z 'comppostfuncs=(exit)'
zpty -w z "$2"$'\t'
while zpty -r z; do :; done
EOF
	zsh_complete() {
		timeout 30 zsh "$T/capture.zsh" "$C" "$1" 2>&1 | tr -d '\r' |
		    awk '$0 == "JMEND" { on = 0 } on; /JMBEGIN$/ { on = 1 }' |
		    sort -u |
		    tr '\n' ' ' | sed 's/ $//'
	}
	# one case: a zsh starting its completion system takes seconds
	check_eq "zsh: jm-receipt --format <TAB> gives jm-receipt's formats" \
		"html json text xml" "$(zsh_complete 'jm-receipt --format ')"
else
	skips 1 "no zsh with zpty"
fi

# fish completes
if command -v fish >/dev/null 2>&1; then
	fish_complete() {
		fish -c "source '$C/jm.fish'; complete -C '$1'" 2>&1 |
		    cut -f 1 | sort | tr '\n' ' ' | sed 's/ $//'
	}
	check_eq "fish: jm-pay --channel a<TAB> gives alipay" alipay \
		"$(fish_complete 'jm-pay --channel a')"
	check_eq "fish: jm-register --csv-sep <TAB>" ", ; tab |" \
		"$(fish_complete 'jm-register --csv-sep ')"
	check_eq "fish: each program's options (those of --help)" "" \
		"$(for p in $PROGS; do
			fish_complete "$p --" | tr ' ' '\n' | sort -u >"$T/f"
			"$p" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u |
			    comm -3 - "$T/f"
		done)"
else
	skips 3 "no fish"
fi

# shellcheck disable=SC2154 # lib.sh counts the tests in n
plan "$n"
done_testing
