/* money.h - integer fen: read strictly, shown as yuan */
#ifndef JM_MONEY_H
#define JM_MONEY_H

#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

/* The most a single amount may be: 10 million yuan. */
#define JM_FEN_MAX 1000000000LL

/*
 * A *_fen key: 1 and *fen, 0 when absent, or -1 with a message when it is
 * not a whole number of fen from 0 to JM_FEN_MAX (a float, a string, a
 * negative or an enormous number).
 */
int jm_fen_get(json_object *o, const char *key, int64_t *fen, char *msg,
    size_t msgsz);
/* "400.00" (buf of at least 32 bytes). */
char *jm_yuan(int64_t fen, char *buf);
/* The amount in Chinese capitals, as on receipts and cheques (人民币大写):
 * 40000 is 肆佰元整, 10050 is 壹佰元伍角整, 1 is 壹分. buf >= 160 bytes. */
char *jm_capitals(int64_t fen, char *buf, size_t sz);
/* Parse "400", "400.5", "400.50" yuan into fen; -1 when not an amount. */
int jm_parse_yuan(const char *s, int64_t *fen);

#endif
