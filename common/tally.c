/* tally.c - counting quoted records for summaries (jm-quote --summary) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"
#include "person.h"
#include "tally.h"
#include "utf8.h"
#include "util.h"

#define MAX_LISTED 50	/* records named under "not quoted" */

struct jm_tally {
	long people, unpaid, partly, paid, subsidised, failed;
	long kind_n[2];
	int64_t kind_fen[2], due;
	int year;
	char item[16];		/* a copy: records are freed before print */
	char *failures[MAX_LISTED];
	int nfail;
};

struct jm_tally *
jm_tally_new(void)
{
	return jm_calloc(1, sizeof(struct jm_tally));
}

/* Bytes of an incomplete UTF-8 sequence ending buf[0..n). */
static void
add_failure(struct jm_tally *t, const struct jm_rec *r, json_object *e)
{
	json_object *c, *m;
	char who[64], code[64], msg[512];

	t->failed++;
	if (t->nfail == MAX_LISTED)
		return;
	json_object_object_get_ex(e, "code", &c);
	json_object_object_get_ex(e, "message", &m);
	jm_terminal_text(jm_rec_who(r->obj, who, sizeof who), who, sizeof who);
	t->failures[t->nfail++] = jm_asprintf("%s:%ld  %s%s%s  %s",
	    r->file ? r->file : "<stdin>", r->line, who, *who ? "  " : "",
	    jm_terminal_text(json_object_get_string(c), code, sizeof code),
	    jm_terminal_text(json_object_get_string(m), msg, sizeof msg));
}

void
jm_tally_add(struct jm_tally *t, const struct jm_rec *r)
{
	json_object *q, *e, *v;
	const char *st, *kind, *item;
	int64_t due = 0;
	char msg[128];
	int k;

	t->people++;
	if (json_object_object_get_ex(r->obj, "error", &e)) {
		add_failure(t, r, e);
		return;
	}
	if (!json_object_object_get_ex(r->obj, "quote", &q))
		return;
	jm_get_str(q, "status", &st, NULL);
	jm_get_str(q, "kind", &kind, NULL);
	jm_fen_get(q, "due_fen", &due, msg, sizeof msg);
	if (json_object_object_get_ex(q, "year", &v))
		t->year = json_object_get_int(v);
	if (jm_get_str(q, "item", &item, NULL) > 0)
		snprintf(t->item, sizeof t->item, "%s", item);
	if (!st)
		return;
	t->unpaid += !strcmp(st, "unpaid");
	t->partly += !strcmp(st, "partly-paid");
	t->paid += !strcmp(st, "paid");
	t->subsidised += !strcmp(st, "subsidised");
	if (due > 0) {
		k = kind && !strcmp(kind, "special");
		t->kind_n[k]++;
		t->kind_fen[k] += due;
		t->due += due;
	}
}

void
jm_tally_print(const struct jm_tally *t, FILE *f)
{
	char y[3][32];
	int i;

	if (t->year)
		fprintf(f, _("%s: %ld people, coverage year %d (%s)\n"),
		    jm_prog, t->people, t->year, t->item);
	else
		fprintf(f, _("%s: %ld people\n"), jm_prog, t->people);
	if (t->people == 0)
		return;
	fprintf(f, _("  to pay        %5ld   %12s yuan\n"),
	    t->kind_n[0] + t->kind_n[1], jm_yuan(t->due, y[0]));
	fprintf(f, _("    daily 日常  %5ld   %12s\n"), t->kind_n[0],
	    jm_yuan(t->kind_fen[0], y[1]));
	fprintf(f, _("    special 特殊%5ld   %12s\n"), t->kind_n[1],
	    jm_yuan(t->kind_fen[1], y[2]));
	fprintf(f, _("  unpaid        %5ld\n"), t->unpaid);
	fprintf(f, _("  partly paid   %5ld\n"), t->partly);
	fprintf(f, _("  paid          %5ld\n"), t->paid);
	fprintf(f, _("  subsidised    %5ld\n"), t->subsidised);
	fprintf(f, _("  not quoted    %5ld\n"), t->failed);
	for (i = 0; i < t->nfail; i++)
		fprintf(f, "    %s\n", t->failures[i]);
	if (t->failed > t->nfail)
		fprintf(f, _("    ... and %ld more\n"), t->failed - t->nfail);
}

void
jm_tally_free(struct jm_tally *t)
{
	int i;

	if (!t)
		return;
	for (i = 0; i < t->nfail; i++)
		free(t->failures[i]);
	free(t);
}
