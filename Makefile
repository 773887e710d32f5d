# jm - pay the urban-rural resident medical insurance premium from the shell
.SUFFIXES:
.SECONDARY:

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/jm
MANDIR ?= $(PREFIX)/share/man
LOCALEDIR ?= $(PREFIX)/share/locale

ifeq ($(origin CC),default)
CC := cc
endif
CFLAGS ?= -O2 -g
PKG_CONFIG ?= pkg-config

# Build variants keep their objects apart: build/, build-san/ and, for the
# libFuzzer targets (make fuzz), build-fuzz/.
ifeq ($(SANITIZE),1)
B := build-san
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
else ifeq ($(FUZZ),1)
B := build-fuzz
SAN := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
else
B := build
SAN :=
endif

# User CFLAGS come first and never drop the standard and the warnings.
PKGS := json-c sqlite3 libxml-2.0 libcrypto libxslt libmicrohttpd
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
# libxlsxwriter is opened with dlopen by common/xlsx.c only when a workbook
# is written (--format xlsx): no program links it or loads it otherwise.
# The build needs its header and the library's soname.
XLSX_CFLAGS = $(shell $(PKG_CONFIG) --cflags xlsxwriter 2>/dev/null)
XLSX_SONAME = $(shell objdump -p "$$($(CC) -print-file-name=libxlsxwriter.so)" \
	2>/dev/null | awk '$$1 == "SONAME" { print $$2 }')
ALL_CFLAGS = $(CFLAGS) -std=c11 -Wall -Wextra -D_GNU_SOURCE \
	-DJM_DATADIR='"$(DATADIR)"' -DJM_LOCALEDIR='"$(LOCALEDIR)"' \
	$(PKG_CFLAGS) $(SAN)
ALL_LDFLAGS = $(LDFLAGS) -Wl,--as-needed $(SAN)

PROGS := jm-register jm-bind jm-quote jm-pay jm-receipt jm-sandbox
LIBSRC := $(sort $(wildcard common/*.c))
LIBOBJ := $(LIBSRC:common/%.c=$(B)/common/%.o)
BINS := $(PROGS:%=$(B)/bin/%)
UNITSRC := $(sort $(wildcard tests/unit/*.c))
UNITS := $(UNITSRC:tests/unit/%.c=$(B)/tests/%)

# Message catalogs: po/LANG.po, built into $(B)/locale where the programs
# in the build tree find them (common/paths.c).
LINGUAS := zh_CN
MOS := $(LINGUAS:%=$(B)/locale/%/LC_MESSAGES/jm.mo)
MSGFMT ?= msgfmt

all: $(BINS) $(B)/share $(MOS)

$(B)/common/%.o: common/%.c common/*.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/common/xlsx.o: ALL_CFLAGS += $(XLSX_CFLAGS) \
	$(if $(XLSX_SONAME),-DJM_XLSX_SONAME='"$(XLSX_SONAME)"')

$(B)/cmd/%.o: cmd/%.c common/*.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/libjm.a: $(LIBOBJ)
	rm -f $@
	$(AR) rcs $@ $(LIBOBJ)

$(B)/bin/%: $(B)/cmd/%.o $(B)/libjm.a
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(B)/libjm.a $(PKG_LIBS)

$(B)/locale/%/LC_MESSAGES/jm.mo: po/%.po
	@mkdir -p $(@D)
	$(MSGFMT) --check -o $@ $<

# po/jm.pot from the sources, merged into every po/LANG.po: run it after
# changing a message, then translate what msgmerge marks.
update-po:
	xgettext --from-code=UTF-8 --language=C --keyword=_ --keyword=N_ \
		--keyword=NC_:1c,2 --add-comments=TRANSLATORS: \
		--add-location=file \
		--package-name=jm --package-version=$$(sed -n \
		's/^#define JM_VERSION "\(.*\)"/\1/p' common/util.h) \
		-o po/jm.pot $(LIBSRC) $(sort $(wildcard cmd/*.c)) po/argp.c
	for l in $(LINGUAS); do \
		msgmerge --quiet --update --backup=none --add-location=file \
		    po/$$l.po po/jm.pot || exit 1; done

# Programs in the build tree find share/ beside their folder.
$(B)/share:
	@mkdir -p $(B)
	ln -sfn ../share $@

$(B)/tests/%: tests/unit/%.c tests/unit/tap.h $(B)/libjm.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(B)/libjm.a $(PKG_LIBS)

# Build dependencies (Debian packages) checked with pkg-config; as root,
# missing ones are installed, otherwise the command to run is printed. As
# root, the zh_CN.UTF-8 locale of the Chinese tests is made when missing
# (without it, the test makes one of its own).
DEB_BUILD := make gcc libc6-dev pkg-config libjson-c-dev libsqlite3-dev \
	libcurl4-openssl-dev libxml2-dev libxlsxwriter-dev libssl-dev \
	libxslt1-dev libmicrohttpd-dev gettext
DEB_TEST := jq libxml2-utils mandoc perl sqlite3 xlsx2csv python3-openpyxl \
	python3-jsonschema \
	openssl locales libc-l10n curl
deps:
	@missing=; \
	for p in json-c sqlite3 libcurl libxml-2.0 xlsxwriter libcrypto \
	    libxslt libmicrohttpd; do \
		$(PKG_CONFIG) --exists $$p 2>/dev/null || missing=yes; done; \
	for t in jq xmllint mandoc prove sqlite3 xlsx2csv openssl msgfmt \
	    xgettext localedef curl; do \
		command -v $$t >/dev/null 2>&1 || missing=yes; done; \
	test -f /usr/share/i18n/locales/zh_CN || missing=yes; \
	/usr/bin/python3 -c 'import openpyxl, jsonschema' 2>/dev/null || \
		missing=yes; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y --no-install-recommends \
				$(DEB_BUILD) $(DEB_TEST); \
		else \
			echo "jm needs Debian packages; run as root:"; \
			echo "  apt-get install $(DEB_BUILD) $(DEB_TEST)"; \
			exit 1; \
		fi; \
	fi; \
	if [ "$$(id -u)" = 0 ] && ! locale -a 2>/dev/null | \
	    grep -qix 'zh_CN\.utf-\{0,1\}8'; then \
		localedef -i zh_CN -f UTF-8 zh_CN.UTF-8; fi

# Every test, then the tests of the five programs again, each against a
# jm-sandbox --listen of its own on loopback HTTP (JM_TEST_HTTP=1,
# tests/lib.sh); check-http runs only those. Under SANITIZE=1 the second
# pass is left to check-http (0080-http.t and 0090-man.t take the HTTP
# client and server through the sanitizers already), so that CI stays
# within a quarter of an hour.
HTTP_TESTS := $(sort $(wildcard tests/001[01]-*.t tests/0020-*.t \
	tests/003[0-5]-*.t tests/0040-*.t tests/005[0-4]-*.t \
	tests/006[01]-*.t tests/007[01]-*.t))
check: deps all $(UNITS)
	JM_BIN=$(CURDIR)/$(B)/bin prove -f $(UNITS) tests/*.t
	$(if $(SANITIZE),,JM_TEST_HTTP=1 JM_BIN=$(CURDIR)/$(B)/bin prove -f $(HTTP_TESTS))

check-http: deps all
	JM_TEST_HTTP=1 JM_BIN=$(CURDIR)/$(B)/bin prove -f $(HTTP_TESTS)

# Fuzzing and valgrind need more than the build: clang with libFuzzer
# (clang-14's runtime in libclang-rt-14-dev) and valgrind.
DEB_FUZZ := clang libclang-rt-14-dev valgrind
FUZZ_CC ?= clang
deps-fuzz:
	@missing=; \
	command -v valgrind >/dev/null 2>&1 || missing=yes; \
	echo 'int LLVMFuzzerTestOneInput(void) { return 0; }' | \
	    $(FUZZ_CC) -x c -fsanitize=fuzzer -o /dev/null - \
	    >/dev/null 2>&1 || missing=yes; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y --no-install-recommends \
				$(DEB_FUZZ); \
		else \
			echo "fuzzing needs Debian packages; run as root:"; \
			echo "  apt-get install $(DEB_FUZZ)"; \
			exit 1; \
		fi; \
	fi

# libFuzzer targets (ASan+UBSan): tests/fuzz/fuzz-NAME.c, seeds in
# tests/fuzz/corpus/fuzz-NAME/, an optional dictionary tests/fuzz/NAME.dict.
# fuzz-smoke runs each for FUZZ_TIME seconds; what it finds is kept in
# build-fuzz/corpus/ and a crash in build-fuzz/crash-*.
FUZZ_TIME ?= 10
FUZZ_NAMES := $(sort $(patsubst tests/fuzz/%.c,%,\
	$(wildcard tests/fuzz/fuzz-*.c)))
fuzz: deps-fuzz
	$(MAKE) FUZZ=1 CC=$(FUZZ_CC) fuzz-bins

fuzz-bins: $(FUZZ_NAMES:%=build-fuzz/fuzz/%) $(B)/share

build-fuzz/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(B)/libjm.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer $(ALL_LDFLAGS) -o $@ $< \
		$(B)/libjm.a $(PKG_LIBS)

fuzz-smoke: fuzz
	@for t in $(FUZZ_NAMES); do \
		mkdir -p build-fuzz/corpus/$$t || exit 2; \
		d=tests/fuzz/$${t#fuzz-}.dict; \
		[ -f "$$d" ] && d=-dict=$$d || d=; \
		printf '%s: ' "$$t"; \
		build-fuzz/fuzz/$$t $$d -max_total_time=$(FUZZ_TIME) \
			-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix=build-fuzz/ build-fuzz/corpus/$$t \
			tests/fuzz/corpus/$$t >build-fuzz/$$t.log 2>&1 || \
			{ echo FAILED; tail -n 30 build-fuzz/$$t.log; exit 1; }; \
		awk '/stat::number_of_executed_units/ { r = $$2 } \
		    /cov: / { c = $$0 } END { print r " runs, no crash" }' \
		    build-fuzz/$$t.log; \
	done

# The shell tests (VALGRIND_TESTS, all by default) with every program
# under valgrind, through wrappers on PATH; its reports are kept in
# build/valgrind/log/ and any of them fails the target. Slow: an hour; a
# test that times the programs may fail under it, which is only reported.
VALGRIND_TESTS ?= tests/*.t
VG := valgrind -q --error-exitcode=1 \
	--log-file=$(CURDIR)/build/valgrind/log/%p.log
valgrind: deps deps-fuzz all
	rm -rf build/valgrind
	mkdir -p build/valgrind/bin build/valgrind/log
	for p in $(PROGS); do \
		printf '#!/bin/sh\nexec %s %s "$$@"\n' "$(VG)" \
		    "$(CURDIR)/build/bin/$$p" >build/valgrind/bin/$$p; \
		chmod +x build/valgrind/bin/$$p; done
	JM_BIN=$(CURDIR)/build/valgrind/bin prove $(VALGRIND_TESTS) || \
		echo "valgrind: some tests failed (slow programs?): see above"
	@find build/valgrind/log -type f -size +0 -exec cat {} +; \
	n=$$(find build/valgrind/log -type f -size +0 | wc -l); \
	echo "valgrind: $$n reports"; test $$n = 0

demo: deps all
	@sh tools/demo $(CURDIR)/$(B)/bin

# The benchmark, never a test (these machines are shared and noisy): the
# table of tools/bench, against jq -c . in the same run. BENCH_SIZES,
# BENCH_RSS, BENCH_RUNS, BENCH_HTTP choose its sizes; see BENCHMARKS.md.
DEB_BENCH := hyperfine time
bench: deps all
	@if ! command -v hyperfine >/dev/null 2>&1 || \
	    ! test -x /usr/bin/time; then \
		if [ "$$(id -u)" = 0 ]; then \
			DEBIAN_FRONTEND=noninteractive apt-get install -y \
			    --no-install-recommends $(DEB_BENCH); \
		else echo "make bench needs: apt-get install $(DEB_BENCH)"; fi; \
	fi
	sh tools/bench $(CURDIR)/$(B)/bin

lint: all
	mandoc -Tlint -Wwarning man/*.[1-8]
	@if command -v shellcheck >/dev/null; then \
		shellcheck -s sh tools/demo tools/gen-regions tools/bench \
		    tools/gen-roster .ci/run && \
		shellcheck -s sh -S warning -e SC1091 tests/lib.sh tests/*.t && \
		shellcheck -s bash completions/jm.bash; fi
	@if command -v zsh >/dev/null; then zsh -n completions/_jm; fi
	@if command -v fish >/dev/null; then fish -n completions/jm.fish; fi

# What make install puts where; make uninstall removes exactly that and the
# folders of jm's own (share/jm), never a standard one. Completions: bash's
# and fish's one script under each program's name (loaded on demand by the
# command's name), zsh's one function _jm. The message catalogs are the
# gettext rules' MOS, $(B)/locale/LANG/LC_MESSAGES/jm.mo (po/), if any.
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d
DATA := share/regions.tsv share/receipt.xsd share/receipt.xsl \
	$(sort $(wildcard share/policy/*.json share/schema/*.json \
	share/examples/*))
DATA_DIRS := $(sort $(patsubst %/,%,$(filter-out share/,$(dir $(DATA)))))
MAN1 := $(sort $(wildcard man/*.1))
MAN7 := $(sort $(wildcard man/*.7))
INSTALLED := $(PROGS:%=$(BINDIR)/%) $(DATA:share/%=$(DATADIR)/%) \
	$(MAN1:man/%=$(MANDIR)/man1/%) $(MAN7:man/%=$(MANDIR)/man7/%) \
	$(PROGS:%=$(BASHCOMPDIR)/%) $(ZSHCOMPDIR)/_jm \
	$(PROGS:%=$(FISHCOMPDIR)/%.fish) $(MOS:$(B)/locale/%=$(LOCALEDIR)/%)

install: all
	@set -e; d='$(DESTDIR)'; \
	for p in $(PROGS); do \
		install -D -m 755 $(B)/bin/$$p "$$d$(BINDIR)/$$p"; done; \
	for f in $(DATA); do \
		install -D -m 644 $$f "$$d$(DATADIR)/$${f#share/}"; done; \
	for f in $(MAN1); do \
		install -D -m 644 $$f "$$d$(MANDIR)/man1/$${f#man/}"; done; \
	for f in $(MAN7); do \
		install -D -m 644 $$f "$$d$(MANDIR)/man7/$${f#man/}"; done; \
	for p in $(PROGS); do \
		install -D -m 644 completions/jm.bash "$$d$(BASHCOMPDIR)/$$p"; \
		install -D -m 644 completions/jm.fish \
		    "$$d$(FISHCOMPDIR)/$$p.fish"; done; \
	install -D -m 644 completions/_jm "$$d$(ZSHCOMPDIR)/_jm"; \
	for m in $(MOS); do \
		install -D -m 644 $$m "$$d$(LOCALEDIR)/$${m#$(B)/locale/}"; \
	done; \
	echo "installed $(words $(INSTALLED)) files under $$d$(PREFIX)"

uninstall:
	rm -f $(INSTALLED:%='$(DESTDIR)%')
	-rmdir $(DATA_DIRS:share/%='$(DESTDIR)$(DATADIR)/%') \
		'$(DESTDIR)$(DATADIR)' 2>/dev/null

clean:
	rm -rf build build-san build-fuzz

.PHONY: all bench check check-http demo deps lint install uninstall clean \
	deps-fuzz fuzz fuzz-bins fuzz-smoke valgrind update-po
