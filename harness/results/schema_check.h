/* SPDX-License-Identifier: MIT */
/*
 * A JSON Schema checker for exactly the keywords results/schema.json uses
 * (type, required, properties, additionalProperties, items, enum, minimum,
 * maximum, and $ref to "#/$defs/NAME"), with draft 2020-12's meaning, so
 * the binary checks a results file against its schema without Python or
 * files beside it. A schema using any other keyword is refused rather than
 * half-checked. tests/unit/test_schema_check.c runs the same cases through
 * python3-jsonschema and requires the same verdicts.
 */
#ifndef WB_SCHEMA_CHECK_H
#define WB_SCHEMA_CHECK_H

#include <stddef.h>

#include <jansson.h>

/*
 * 0 when @doc conforms to @schema; -EINVAL when it does not, with @why
 * set to the JSON pointer of the first error found (depth first, in the
 * document's order) and what is wrong: `/context/walkbench/instances/3/status:
 * "okay" is not one of ok, failed, ...`; -ENOTSUP when @schema uses a
 * keyword or a $ref this checker does not implement (@why names it).
 */
int wb_schema_check(const json_t *schema, const json_t *doc, char *why,
		    size_t len);
/* The results schema compiled into the binary (results/schema.json),
 * parsed; the caller owns the reference. NULL when it does not parse. */
json_t *wb_results_schema(void);
/* Its "$id" ("urn:walkbench:results:schema:1") */
const char *wb_results_schema_id(const json_t *schema);

#endif
