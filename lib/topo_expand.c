// SPDX-License-Identifier: LGPL-2.1-or-later
/* ${VAR} expansion of a topology file, before YAML parsing, and the map back to original positions. */
#include <stdio.h>
#include <stdlib.h>

#include "topo_internal.h"
#include "util.h"

struct outbuf {
	char *s;
	size_t len;
	size_t cap;
};

static int out_add(struct outbuf *o, const char *s, size_t n)
{
	if (o->len + n + 1 > o->cap) {
		size_t ncap = o->cap ? o->cap : 256;
		char *p;

		while (ncap < o->len + n + 1)
			ncap *= 2;
		p = realloc(o->s, ncap);
		if (!p)
			return -ENOMEM;
		o->s = p;
		o->cap = ncap;
	}
	memcpy(o->s + o->len, s, n);
	o->len += n;
	o->s[o->len] = '\0';
	return 0;
}

static int seg_add(struct posmap *pm, size_t out, size_t in, bool literal)
{
	if (GROW(pm->segs, pm->cap_segs, pm->n_segs) < 0)
		return -ENOMEM;
	pm->segs[pm->n_segs++] = (struct posmap_seg){ .out = out, .in = in, .literal = literal };
	return 0;
}

/* Skip a UTF-8 byte order mark: libyaml does not count it as a column. */
static size_t bom_len(const char *s, size_t len)
{
	return len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
}

/* Line starts of @s, as libyaml counts lines (\n, \r\n and a lone \r). */
static int line_starts(const char *s, size_t len, size_t **ret, size_t *ret_n)
{
	size_t *v = NULL, cap = 0, n = 0;

	if (GROW(v, cap, n) < 0)
		return -ENOMEM;
	v[n++] = bom_len(s, len);
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
			continue;
		if (s[i] == '\n' || s[i] == '\r') {
			if (GROW(v, cap, n) < 0) {
				free(v);
				return -ENOMEM;
			}
			v[n++] = i + 1;
		}
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

static size_t upper_index(const size_t *v, size_t n, size_t off)
{
	/* Largest i with v[i] <= off (v[0] <= off is assumed). */
	size_t lo = 0, hi = n;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static size_t count_chars(const char *s, size_t from, size_t to)
{
	size_t n = 0;

	for (size_t i = from; i < to; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

struct nslab_pos text_pos(const char *text, size_t len, size_t off)
{
	size_t line = 0, start = bom_len(text, len);

	if (off > len)
		off = len;
	for (size_t i = 0; i < off; i++) {
		if (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')
			continue;
		if (text[i] == '\n' || text[i] == '\r') {
			line++;
			start = i + 1;
		}
	}
	if (off < start)
		off = start;
	return (struct nslab_pos){ .line = (int)line + 1,
				   .col = (int)count_chars(text, start, off) + 1 };
}

static struct nslab_pos in_pos(const struct posmap *pm, size_t off)
{
	size_t line, start;

	if (!pm->in_lines)
		return text_pos(pm->in, pm->in_len, off);
	if (off > pm->in_len)
		off = pm->in_len;
	line = upper_index(pm->in_lines, pm->n_in_lines, off);
	start = pm->in_lines[line];
	if (off < start)
		off = start;
	return (struct nslab_pos){ .line = (int)line + 1,
				   .col = (int)count_chars(pm->in, start, off) + 1 };
}

struct nslab_pos posmap_map_offset(const struct posmap *pm, size_t off)
{
	size_t i = 0, hi;

	if (pm->identity)
		return text_pos(pm->out, pm->out_len, off);
	/* Last segment starting at or before @off; segs[0].out is 0. */
	hi = pm->n_segs;
	while (hi - i > 1) {
		size_t mid = i + (hi - i) / 2;

		if (pm->segs[mid].out <= off)
			i = mid;
		else
			hi = mid;
	}
	if (pm->segs[i].literal)
		return in_pos(pm, pm->segs[i].in + (off - pm->segs[i].out));
	return in_pos(pm, pm->segs[i].in);
}

struct nslab_pos posmap_map(const struct posmap *pm, size_t line, size_t col)
{
	size_t off, n = 0;

	if (pm->identity)
		return (struct nslab_pos){ .line = (int)line + 1, .col = (int)col + 1 };
	if (line >= pm->n_out_lines)
		return posmap_map_offset(pm, pm->out_len);
	off = pm->out_lines[line];
	/* Columns count characters; walk to the byte offset. */
	while (off < pm->out_len && n < col) {
		off++;
		while (off < pm->out_len && ((unsigned char)pm->out[off] & 0xc0) == 0x80)
			off++;
		n++;
	}
	return posmap_map_offset(pm, off);
}

void posmap_free(struct posmap *pm)
{
	free(pm->segs);
	free(pm->in_lines);
	free(pm->out_lines);
	*pm = (struct posmap){ 0 };
}

static bool is_name_start(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '_';
}

static bool is_name_char(char ch)
{
	return is_name_start(ch) || (ch >= '0' && ch <= '9');
}

static int expand_err(const char *file, const char *in, size_t len, size_t off,
		      struct nslab_error *err, const char *msg, const char *what, int whatlen)
{
	struct nslab_pos p = text_pos(in, len, off);

	return nslab_err(err, EINVAL, "%s:%d:%d: %s%.*s", file, p.line, p.col, msg, whatlen, what);
}

int topo_expand(const char *file, const char *in, size_t len, char **ret_out, size_t *ret_len,
		struct posmap *pm, struct nslab_error *err)
{
	struct outbuf o = { 0 };
	struct posmap m = { .in = in, .in_len = len };
	size_t i = 0;
	int r = -ENOMEM;

	if (out_add(&o, "", 0) < 0)
		goto oom;
	while (i < len) {
		const char *dollar = memchr(in + i, '$', len - i);
		size_t d, close, name_end;
		char *name = NULL;
		const char *val;
		size_t val_len;

		if (!dollar) {
			if (out_add(&o, in + i, len - i) < 0)
				goto oom;
			break;
		}
		d = (size_t)(dollar - in);
		if (out_add(&o, in + i, d - i) < 0)
			goto oom;
		if (d + 1 >= len || (in[d + 1] != '$' && in[d + 1] != '{')) {
			/* A lone '$' is literal: shell variables in exec survive. */
			if (out_add(&o, "$", 1) < 0)
				goto oom;
			i = d + 1;
			continue;
		}
		/* From here the output no longer lines up with the input. */
		if (m.n_segs == 0 && seg_add(&m, 0, 0, true) < 0)
			goto oom;
		if (seg_add(&m, o.len, d, false) < 0)
			goto oom;
		if (in[d + 1] == '$') {
			if (out_add(&o, "$", 1) < 0)
				goto oom;
			i = d + 2;
			if (seg_add(&m, o.len, i, true) < 0)
				goto oom;
			continue;
		}
		for (close = d + 2; close < len; close++)
			if (in[close] == '}' || in[close] == '\n' || in[close] == '\r')
				break;
		if (close >= len || in[close] != '}') {
			r = expand_err(file, in, len, d, err,
				       "unterminated '${': no closing '}' on this line", "", 0);
			goto fail;
		}
		name_end = d + 2;
		if (name_end < close && is_name_start(in[name_end]))
			while (name_end < close && is_name_char(in[name_end]))
				name_end++;
		if (name_end == d + 2) {
			r = expand_err(file, in, len, d, err, "invalid variable name in ", in + d,
				       (int)(close + 1 - d));
			if (err)
				snprintf(err->msg + strlen(err->msg),
					 sizeof(err->msg) - strlen(err->msg),
					 "\nnames are letters, digits and '_', not starting with a "
					 "digit");
			goto fail;
		}
		if (name_end != close && (close - name_end < 2 || in[name_end] != ':' ||
					  (in[name_end + 1] != '-' && in[name_end + 1] != '='))) {
			r = expand_err(file, in, len, d, err, "invalid expansion ", in + d,
				       (int)(close + 1 - d));
			if (err)
				snprintf(err->msg + strlen(err->msg),
					 sizeof(err->msg) - strlen(err->msg),
					 "; expected ${VAR}, ${VAR:-default} or ${VAR:=default}");
			goto fail;
		}
		name = strndup(in + d + 2, name_end - d - 2);
		if (!name)
			goto oom;
		val = getenv(name);
		val_len = val ? strlen(val) : 0;
		if (name_end != close && val_len == 0) {
			val = in + name_end + 2;
			val_len = close - name_end - 2;
			if (in[name_end + 1] == '=') {
				char *def = strndup(val, val_len);

				if (!def || setenv(name, def, 1) < 0) {
					free(def);
					free(name);
					goto oom;
				}
				free(def);
			}
		}
		free(name);
		if (out_add(&o, val ? val : "", val_len) < 0)
			goto oom;
		i = close + 1;
		if (seg_add(&m, o.len, i, true) < 0)
			goto oom;
	}
	m.out = o.s;
	m.out_len = o.len;
	m.identity = m.n_segs == 0;
	if (!m.identity) {
		if (line_starts(in, len, &m.in_lines, &m.n_in_lines) < 0 ||
		    line_starts(o.s, o.len, &m.out_lines, &m.n_out_lines) < 0)
			goto oom;
	}
	*pm = m;
	*ret_out = o.s;
	*ret_len = o.len;
	return 0;
oom:
	r = nslab_err(err, ENOMEM, "out of memory");
fail:
	free(o.s);
	posmap_free(&m);
	return r;
}
