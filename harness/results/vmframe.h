/* SPDX-License-Identifier: MIT */
/*
 * The frame a guest sends its results in, over a byte channel that may be
 * cut short (guest killed, channel lost) or damaged:
 *
 *   WBFRAME1 <exit code> <payload bytes> <sha256 hex>\n
 *   <payload>
 *   WBEND\n
 *
 * Anything before the header (console noise) is ignored. A payload is
 * accepted only whole: its length, digest and trailer must all match.
 * While its run goes on, the guest sends the results file so far in
 * frames whose exit code is WB_FRAME_RUNNING (checkpoints); the final
 * frame follows them. The last whole frame is the answer, so a guest that
 * hangs or is killed still leaves the instances it finished.
 */
#ifndef WB_VMFRAME_H
#define WB_VMFRAME_H

#include <stddef.h>

#define WB_FRAME_MAGIC "WBFRAME1 "
#define WB_FRAME_END "WBEND\n"
/* the exit code of a checkpoint frame: the guest's run had not ended */
#define WB_FRAME_RUNNING (-1)

struct wb_frame {
	int exit_code; /* the guest walkbench's exit code */
	const char *payload; /* points into the buffer given to the parser */
	size_t len;
};

/*
 * The last whole frame of @buf: 0 and @f filled; -ENOMSG no header at
 * all; else, when no frame is whole, the last one's fault: -ENODATA
 * header present but the payload or trailer is cut short; -EBADMSG a
 * malformed header, a digest mismatch or a wrong trailer. @why gets one
 * line saying which.
 */
int wb_frame_parse(const char *buf, size_t n, struct wb_frame *f, char *why,
		   size_t whylen);
/* The header for @payload into @hdr; its length, or -ENOSPC. */
int wb_frame_header(int exit_code, const char *payload, size_t len, char *hdr,
		    size_t hdrlen);
/* The SHA-256 of @data (nettle) as lowercase hex into @hex, NUL included. */
void wb_frame_sha256_hex(const void *data, size_t n, char hex[65]);

#endif
