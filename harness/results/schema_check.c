// SPDX-License-Identifier: MIT
/* Checking a JSON document against a schema's keyword subset (schema_check.h). */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results/schema_check.h"

extern const char wb_data_schema_json[];

struct sc {
	const json_t *root; /* the schema, for $ref */
	char path[512]; /* JSON pointer of the value being checked */
	char *why;
	size_t len;
	int depth; /* $ref hops: a schema that refers to itself forever */
};

static const char *const known[] = {
	"$schema",     "$id",	     "title",
	"description", "$defs",	     "type",
	"required",    "properties", "additionalProperties",
	"items",       "enum",	     "minimum",
	"maximum",     "$ref",
};

/* a value as a short JSON text for a message */
static void show(const json_t *v, char *out, size_t len)
{
	char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);

	if (!s) {
		snprintf(out, len, "(value)");
		return;
	}
	if (strlen(s) > 48)
		snprintf(out, len, "%.45s...", s);
	else
		snprintf(out, len, "%s", s);
	free(s);
}

static int fail(struct sc *c, int err, const char *fmt, const char *a,
		const char *b)
{
	char msg[256];

	snprintf(msg, sizeof(msg), fmt, a, b);
	snprintf(c->why, c->len, "%s: %s", c->path[0] ? c->path : "/", msg);
	return err;
}

static bool is_type(const json_t *v, const char *t)
{
	if (!strcmp(t, "object"))
		return json_is_object(v);
	if (!strcmp(t, "array"))
		return json_is_array(v);
	if (!strcmp(t, "string"))
		return json_is_string(v);
	if (!strcmp(t, "boolean"))
		return json_is_boolean(v);
	if (!strcmp(t, "null"))
		return json_is_null(v);
	if (!strcmp(t, "number"))
		return json_is_number(v);
	/* draft 2020-12: a number with a zero fractional part is an integer */
	if (!strcmp(t, "integer"))
		return json_is_integer(v) ||
		       (json_is_real(v) && isfinite(json_real_value(v)) &&
			json_real_value(v) == floor(json_real_value(v)));
	return false;
}

static int check(struct sc *c, const json_t *s, const json_t *v);

/* descend into @key (an object member) or @idx (an array element) */
static int child(struct sc *c, const json_t *s, const json_t *v,
		 const char *key, size_t idx)
{
	size_t n = strlen(c->path), i = n;
	int ret;

	if (key) {
		if (i + 1 < sizeof(c->path))
			c->path[i++] = '/';
		/* JSON pointer escapes, RFC 6901 */
		for (const char *k = key; *k && i + 3 < sizeof(c->path); k++) {
			if (*k == '~' || *k == '/') {
				c->path[i++] = '~';
				c->path[i++] = *k == '~' ? '0' : '1';
			} else {
				c->path[i++] = *k;
			}
		}
		c->path[i] = '\0';
	} else {
		snprintf(c->path + n, sizeof(c->path) - n, "/%zu", idx);
	}
	ret = check(c, s, v);
	c->path[n] = '\0';
	return ret;
}

static int check_type(struct sc *c, const json_t *t, const json_t *v)
{
	char got[64], want[128] = "";
	size_t i;
	const json_t *x;

	if (json_is_string(t)) {
		if (is_type(v, json_string_value(t)))
			return 0;
		snprintf(want, sizeof(want), "%s", json_string_value(t));
	} else if (json_is_array(t)) {
		json_array_foreach(t, i, x) {
			if (!json_is_string(x))
				return fail(c, -ENOTSUP, "schema: type %s%s",
					    "is not a string", "");
			if (is_type(v, json_string_value(x)))
				return 0;
			snprintf(want + strlen(want),
				 sizeof(want) - strlen(want), "%s%s",
				 i ? " or " : "", json_string_value(x));
		}
	} else {
		return fail(c, -ENOTSUP, "schema: type is %s%s",
			    "neither a string nor an array", "");
	}
	show(v, got, sizeof(got));
	return fail(c, -EINVAL, "%s is not of type %s", got, want);
}

static int check_enum(struct sc *c, const json_t *e, const json_t *v)
{
	char got[64], list[192] = "";
	size_t i;
	const json_t *x;

	if (!json_is_array(e))
		return fail(c, -ENOTSUP, "schema: enum %s%s", "is not an array",
			    "");
	json_array_foreach(e, i, x) {
		if (json_equal((json_t *)x, (json_t *)v))
			return 0;
	}
	json_array_foreach(e, i, x) {
		char one[64];

		if (json_is_string(x))
			snprintf(one, sizeof(one), "%s", json_string_value(x));
		else
			show(x, one, sizeof(one));
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
			 "%s%s", i ? ", " : "", one);
	}
	show(v, got, sizeof(got));
	return fail(c, -EINVAL, "%s is not one of %s", got, list);
}

static int check_bound(struct sc *c, const json_t *b, const json_t *v,
		       bool lower)
{
	char got[64], lim[64];
	double x, l;

	if (!json_is_number(b))
		return fail(c, -ENOTSUP, "schema: %s is %s",
			    lower ? "minimum" : "maximum", "not a number");
	if (!json_is_number(v))
		return 0; /* bounds apply to numbers only */
	x = json_number_value(v);
	l = json_number_value(b);
	if (lower ? x >= l : x <= l)
		return 0;
	show(v, got, sizeof(got));
	show(b, lim, sizeof(lim));
	return fail(c, -EINVAL,
		    lower ? "%s is less than the minimum of %s"
			  : "%s is greater than the maximum of %s",
		    got, lim);
}

static int check_ref(struct sc *c, const json_t *r, const json_t *v)
{
	const char *ref = json_string_value(r);
	const json_t *t;
	int ret;

	if (!ref || strncmp(ref, "#/$defs/", 8) || strchr(ref + 8, '/'))
		return fail(c, -ENOTSUP, "schema: $ref %s%s",
			    ref ? ref : "(not a string)",
			    " is not #/$defs/NAME");
	t = json_object_get(json_object_get(c->root, "$defs"), ref + 8);
	if (!t)
		return fail(c, -ENOTSUP, "schema: $ref %s %s", ref,
			    "names no definition");
	if (c->depth > 64)
		return fail(c, -ENOTSUP, "schema: $ref %s %s", ref,
			    "refers to itself without end");
	c->depth++;
	ret = check(c, t, v);
	c->depth--;
	return ret;
}

static int check_object(struct sc *c, const json_t *s, const json_t *v)
{
	const json_t *props = json_object_get(s, "properties");
	const json_t *addl = json_object_get(s, "additionalProperties");
	const json_t *req = json_object_get(s, "required");
	const json_t *x;
	const char *k;
	size_t i;
	int ret;

	if ((props && !json_is_object(props)) || (req && !json_is_array(req)))
		return fail(c, -ENOTSUP, "schema: %s%s",
			    "properties or required of the wrong type", "");
	json_array_foreach(req, i, x) {
		if (!json_is_string(x))
			return fail(c, -ENOTSUP, "schema: %s%s",
				    "required lists a non-string", "");
		if (!json_object_get(v, json_string_value(x)))
			return fail(c, -EINVAL,
				    "required property \"%s\" is missing%s",
				    json_string_value(x), "");
	}
	/* members in the document's order, so the first error is the first
	 * a reader meets */
	json_object_foreach((json_t *)v, k, x) {
		const json_t *ps = props ? json_object_get(props, k) : NULL;

		if (ps) {
			ret = child(c, ps, x, k, 0);
		} else if (!addl || json_is_true(addl)) {
			continue;
		} else if (json_is_false(addl)) {
			return fail(
				c, -EINVAL,
				"additional property \"%s\" is not allowed%s",
				k, "");
		} else if (json_is_object(addl)) {
			ret = child(c, addl, x, k, 0);
		} else {
			return fail(c, -ENOTSUP, "schema: %s%s",
				    "additionalProperties of the wrong type",
				    "");
		}
		if (ret)
			return ret;
	}
	return 0;
}

static int check(struct sc *c, const json_t *s, const json_t *v)
{
	const json_t *x;
	const char *k;
	size_t i;
	int ret;

	if (json_is_true(s))
		return 0;
	if (json_is_false(s))
		return fail(c, -EINVAL, "no value is allowed here%s%s", "", "");
	if (!json_is_object(s))
		return fail(c, -ENOTSUP, "schema: %s%s",
			    "a schema is not an object or boolean", "");
	json_object_foreach((json_t *)s, k, x) {
		bool ok = false;

		for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			ok |= !strcmp(k, known[i]);
		if (!ok)
			return fail(c, -ENOTSUP,
				    "schema: keyword %s is not implemented%s",
				    k, "");
	}
	if ((x = json_object_get(s, "$ref")) && (ret = check_ref(c, x, v)))
		return ret;
	if ((x = json_object_get(s, "type")) && (ret = check_type(c, x, v)))
		return ret;
	if ((x = json_object_get(s, "enum")) && (ret = check_enum(c, x, v)))
		return ret;
	if ((x = json_object_get(s, "minimum")) &&
	    (ret = check_bound(c, x, v, true)))
		return ret;
	if ((x = json_object_get(s, "maximum")) &&
	    (ret = check_bound(c, x, v, false)))
		return ret;
	if (json_is_object(v))
		return check_object(c, s, v);
	if (json_is_array(v) && (x = json_object_get(s, "items"))) {
		const json_t *e;

		json_array_foreach(v, i, e) {
			if ((ret = child(c, x, e, NULL, i)))
				return ret;
		}
	}
	return 0;
}

int wb_schema_check(const json_t *schema, const json_t *doc, char *why,
		    size_t len)
{
	struct sc c = { .root = schema, .why = why, .len = len };

	if (len)
		why[0] = '\0';
	return check(&c, schema, doc);
}

json_t *wb_results_schema(void)
{
	return json_loads(wb_data_schema_json, 0, NULL);
}

const char *wb_results_schema_id(const json_t *schema)
{
	const char *id = json_string_value(json_object_get(schema, "$id"));

	return id ? id : "";
}
