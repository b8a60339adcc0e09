// SPDX-License-Identifier: MIT
/*
 * The settings journal (see journal.h for the contract).
 *
 * File format, one record per line, bytes outside printable ASCII and the
 * characters '\\', tab and newline escaped as \\, \t, \n or \xHH:
 *
 *   walkbench-journal 1 pid=<pid> start=<starttime>\n
 *   <file>\t<old value>\n
 *   ...
 *
 * The header names the owner; "start" is field 22 of /proc/<pid>/stat so a
 * recycled pid is not mistaken for a live owner. Every record is appended
 * and the journal and its directory are fsynced before the new value is
 * written, so a line without its newline (a kill during the append) never
 * describes a change that happened and is ignored.
 *
 * Old values are also kept in memory in a fixed array, so a signal handler
 * can restore them with open/write/close only.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "settings/journal.h"

#define WB_JOURNAL_MAX 64
#define WB_JOURNAL_FILE_LEN 256
#define WB_JOURNAL_VALUE_LEN 256
#define WB_JOURNAL_MAX_BYTES (1 << 20)

struct wb_journal_entry {
	char file[WB_JOURNAL_FILE_LEN];
	char old[WB_JOURNAL_VALUE_LEN]; /* with the trailing newline */
	size_t oldlen;
};

struct wb_journal {
	char path[PATH_MAX];
	int fd; /* -1 until the first change creates the file */
	off_t size; /* bytes of complete records in the file */
	bool broken; /* a torn record could not be cut off */
	pid_t owner;
	volatile sig_atomic_t n; /* entries[0..n) are complete */
	struct wb_journal_entry entries[WB_JOURNAL_MAX];
};

int wb_journal_default_path(char *buf, unsigned long len)
{
	const char *env = getenv("WB_JOURNAL");
	const char *base;
	int n;

	if (env && *env)
		n = snprintf(buf, len, "%s", env);
	else if (geteuid() == 0)
		n = snprintf(buf, len, "/var/lib/walkbench/journal");
	else if ((base = getenv("XDG_STATE_HOME")) && base[0] == '/')
		n = snprintf(buf, len, "%s/walkbench/journal", base);
	else if ((base = getenv("HOME")) && base[0] == '/')
		n = snprintf(buf, len, "%s/.local/state/walkbench/journal",
			     base);
	else
		return -ENOENT;
	if (n < 0 || (unsigned long)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

/* Field 22 of /proc/<pid>/stat: start time in clock ticks since boot. */
static int proc_starttime(pid_t pid, unsigned long long *start)
{
	char p[64], buf[1024], *s;
	ssize_t r;
	int fd, field;

	*start = 0;
	snprintf(p, sizeof(p), "/proc/%d/stat", (int)pid);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (r <= 0)
		return -EIO;
	buf[r] = 0;
	/* comm may contain spaces and parentheses: count from the last ')' */
	s = strrchr(buf, ')');
	if (!s)
		return -EINVAL;
	for (field = 2; field < 22 && s; field++)
		s = strchr(s + 1, ' ');
	if (!s)
		return -EINVAL;
	*start = strtoull(s + 1, NULL, 10);
	return 0;
}

static int fsync_dir_of(const char *path)
{
	char dir[PATH_MAX];
	char *slash;
	int fd, err = 0;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = 0;
	else
		*slash = 0;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd))
		err = -errno;
	close(fd);
	return err;
}

static int mkdir_parents(const char *path, mode_t mode)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s", path);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(dir, mode) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t w = write(fd, buf, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Async-signal-safe: open, write, close only. */
static int write_value(const char *file, const char *val, size_t len)
{
	int fd = open(file, O_WRONLY | O_TRUNC | O_CLOEXEC);
	int err;

	if (fd < 0)
		return -errno;
	err = write_all(fd, val, len);
	if (close(fd) && !err)
		err = -errno;
	return err;
}

/*
 * The current value of a settings file as it must be written back: one
 * trailing newline, and for a choice list such as "always [madvise] never"
 * only the selected word, since writing the whole list is rejected.
 */
static int read_value(const char *file, char *out, size_t outlen, size_t *len)
{
	char buf[4096];
	char *lb, *rb, *start = buf, *end;
	ssize_t r;
	int fd = open(file, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	r = read(fd, buf, sizeof(buf) - 1);
	if (r < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	close(fd);
	buf[r] = 0;
	end = buf + r;
	lb = strchr(buf, '[');
	rb = lb ? strchr(lb, ']') : NULL;
	if (lb && rb) {
		start = lb + 1;
		end = rb;
	} else if (end > buf && end[-1] == '\n') {
		end--;
	}
	if ((size_t)(end - start) + 2 > outlen)
		return -EFBIG;
	memcpy(out, start, (size_t)(end - start));
	out[end - start] = '\n';
	out[end - start + 1] = 0;
	*len = (size_t)(end - start) + 1;
	return 0;
}

static size_t escape(char *out, const char *in, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c == '\\' || c == '\t' || c == '\n') {
			out[o++] = '\\';
			out[o++] = c == '\\' ? '\\' : c == '\t' ? 't' : 'n';
		} else if (c < 0x20 || c >= 0x7f) {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		} else {
			out[o++] = (char)c;
		}
	}
	return o;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Unescape @in (NUL-terminated) into @out; -EINVAL on a bad escape. */
static int unescape(char *out, size_t outlen, const char *in, size_t *len)
{
	size_t o = 0;

	for (const char *p = in; *p; p++) {
		char c = *p;

		if (c == '\\') {
			p++;
			if (*p == '\\')
				c = '\\';
			else if (*p == 't')
				c = '\t';
			else if (*p == 'n')
				c = '\n';
			else if (*p == 'x' && hexval(p[1]) >= 0 &&
				 hexval(p[2]) >= 0) {
				c = (char)(hexval(p[1]) << 4 | hexval(p[2]));
				p += 2;
			} else {
				return -EINVAL;
			}
		}
		if (o + 1 >= outlen)
			return -EFBIG;
		out[o++] = c;
	}
	out[o] = 0;
	*len = o;
	return 0;
}

int wb_journal_open(struct wb_journal **jp, const char *path)
{
	struct wb_journal *j;

	if (strlen(path) >= sizeof(j->path))
		return -ENAMETOOLONG;
	j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	snprintf(j->path, sizeof(j->path), "%s", path);
	j->fd = -1;
	j->owner = getpid();
	*jp = j;
	return 0;
}

/*
 * The journal file is created on the first change, so a run that changes
 * nothing leaves nothing behind. O_EXCL: a journal that is already there
 * belongs to another run (or was not recovered) and must not be mixed
 * with ours.
 */
static int create_file(struct wb_journal *j)
{
	char hdr[128];
	unsigned long long start = 0;
	int err, n;

	err = mkdir_parents(j->path, geteuid() == 0 ? 0755 : 0700);
	if (err)
		return err;
	j->fd = open(j->path,
		     O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
	if (j->fd < 0)
		return errno == EEXIST ? -EBUSY : -errno;
	proc_starttime(j->owner, &start);
	n = snprintf(hdr, sizeof(hdr),
		     "walkbench-journal 1 pid=%d start=%llu\n", (int)j->owner,
		     start);
	err = write_all(j->fd, hdr, (size_t)n);
	j->size = n;
	if (err) {
		close(j->fd);
		j->fd = -1;
		unlink(j->path);
	}
	return err;
}

int wb_journal_set(struct wb_journal *j, const char *file, const char *value)
{
	char line[4 * (WB_JOURNAL_FILE_LEN + WB_JOURNAL_VALUE_LEN) + 2];
	struct wb_journal_entry *e;
	size_t o, vlen = strlen(value);
	int err;

	/* A forked child shares the in-memory copy but not the restore. */
	if (getpid() != j->owner)
		return -EPERM;
	if (j->broken)
		return -EIO;
	if (j->n >= WB_JOURNAL_MAX)
		return -ENOBUFS;
	if (strlen(file) >= WB_JOURNAL_FILE_LEN)
		return -ENAMETOOLONG;
	e = &j->entries[j->n];
	err = read_value(file, e->old, sizeof(e->old), &e->oldlen);
	if (err)
		return err;
	snprintf(e->file, sizeof(e->file), "%s", file);
	if (j->fd < 0) {
		err = create_file(j);
		if (err)
			return err;
	}
	o = escape(line, file, strlen(file));
	line[o++] = '\t';
	o += escape(line + o, e->old, e->oldlen - 1);
	line[o++] = '\n';
	err = write_all(j->fd, line, o);
	if (!err && fsync(j->fd))
		err = -errno;
	if (!err)
		err = fsync_dir_of(j->path);
	if (err) {
		/* A torn record (disk full) must not prefix the next one. */
		if (ftruncate(j->fd, j->size))
			j->broken = true;
		return err;
	}
	j->size += (off_t)o;
	/* Complete before it is counted: the signal handler reads it. */
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	j->n = j->n + 1;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (vlen && value[vlen - 1] == '\n')
		return write_value(file, value, vlen);
	{
		char buf[WB_JOURNAL_VALUE_LEN + 1];

		if (vlen + 1 >= sizeof(buf))
			return -EFBIG;
		snprintf(buf, sizeof(buf), "%s\n", value);
		return write_value(file, buf, vlen + 1);
	}
}

static int remove_file(struct wb_journal *j)
{
	int err = 0;

	if (j->fd < 0)
		return 0;
	close(j->fd);
	j->fd = -1;
	if (unlink(j->path) && errno != ENOENT)
		err = -errno;
	if (!err)
		err = fsync_dir_of(j->path);
	return err;
}

int wb_journal_restore(struct wb_journal *j)
{
	int err = 0;

	if (!j || getpid() != j->owner)
		return 0;
	/* Newest first: a file changed twice ends with its first old value. */
	for (int i = j->n - 1; i >= 0; i--) {
		const struct wb_journal_entry *e = &j->entries[i];
		int r = write_value(e->file, e->old, e->oldlen);

		/* A setting that no longer exists has nothing to restore. */
		if (r && r != -ENOENT && !err)
			err = r;
	}
	/* Keep the file when a value could not be put back: the next start
	 * retries and reports it. */
	if (err)
		return err;
	j->n = 0;
	return remove_file(j);
}

void wb_journal_close(struct wb_journal *j)
{
	if (!j)
		return;
	if (j->fd >= 0)
		close(j->fd);
	free(j);
}

void wb_journal_restore_signal(struct wb_journal *j)
{
	int saved = errno;

	if (!j || getpid() != j->owner)
		return;
	for (int i = j->n - 1; i >= 0; i--)
		write_value(j->entries[i].file, j->entries[i].old,
			    j->entries[i].oldlen);
	j->n = 0;
	if (j->fd >= 0)
		unlink(j->path);
	errno = saved;
}

/* 1 if the run that wrote @hdr is still alive, 0 if not, <0 if unreadable. */
static int owner_alive(const char *hdr)
{
	unsigned long long start, now;
	int pid;

	if (sscanf(hdr, "walkbench-journal 1 pid=%d start=%llu", &pid,
		   &start) != 2 ||
	    pid <= 0)
		return -EINVAL;
	if (kill(pid, 0) && errno == ESRCH)
		return 0;
	/* A recycled pid has another start time. */
	if (start && !proc_starttime(pid, &now) && now != start)
		return 0;
	return 1;
}

static int read_file(const char *path, char **out)
{
	struct stat st;
	char *buf;
	ssize_t r;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || st.st_size > WB_JOURNAL_MAX_BYTES) {
		close(fd);
		return -EFBIG;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while ((r = read(fd, buf + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)r;
	close(fd);
	buf[got] = 0;
	*out = buf;
	return 0;
}

int wb_journal_recover(const char *path)
{
	char *buf = NULL, *line, *nl, *lines[WB_JOURNAL_MAX * 4];
	int n = 0, err, restored = 0, first_err = 0;

	err = read_file(path, &buf);
	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	/* read_file() sets buf whenever it returns 0 (the analyzer
	 * supposes a failed open() may leave errno 0) */
	// NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker)
	nl = strchr(buf, '\n');
	if (!nl) {
		/* Killed before the header was complete: nothing changed. */
		free(buf);
		return unlink(path) ? -errno : 0;
	}
	*nl = 0;
	err = owner_alive(buf);
	if (err) {
		free(buf);
		return err > 0 ? -EBUSY : err;
	}
	/* Only complete lines: a torn last line was never acted on. */
	for (line = nl + 1; (nl = strchr(line, '\n')); line = nl + 1) {
		*nl = 0;
		if (n == (int)(sizeof(lines) / sizeof(lines[0]))) {
			free(buf);
			return -EFBIG;
		}
		lines[n++] = line;
	}
	for (int i = n - 1; i >= 0; i--) {
		char file[WB_JOURNAL_FILE_LEN], old[WB_JOURNAL_VALUE_LEN];
		char *tab = strchr(lines[i], '\t');
		size_t flen, vlen;

		/* Raw tabs are escaped: a second one means a damaged line. */
		if (!tab || strchr(tab + 1, '\t')) {
			err = -EINVAL;
		} else {
			*tab = 0;
			err = unescape(file, sizeof(file), lines[i], &flen);
			if (!err)
				err = unescape(old, sizeof(old) - 1, tab + 1,
					       &vlen);
		}
		if (!err) {
			old[vlen] = '\n';
			err = write_value(file, old, vlen + 1);
		}
		if (err == -ENOENT)
			continue; /* the setting is gone, nothing to restore */
		if (err && !first_err)
			first_err = err;
		if (!err)
			restored++;
	}
	free(buf);
	if (first_err)
		return first_err;
	if (unlink(path) && errno != ENOENT)
		return -errno;
	fsync_dir_of(path);
	return restored;
}
