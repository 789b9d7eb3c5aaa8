/*
 * instream.h - a byte source read in blocks: a file, stdin, or either one
 * compressed with gzip (zlib) or xz (liblzma), recognised by magic bytes,
 * not by the file name. Parsers never see the difference.
 */
#ifndef EMBER_INSTREAM_H
#define EMBER_INSTREAM_H

#include <sys/types.h>
#include "base/compiler.h"
#include "base/err.h"

struct instream;

enum instream_codec {
	INSTREAM_PLAIN,
	INSTREAM_GZIP,
	INSTREAM_XZ,
};

/*
 * Open @path ("-" for stdin). On success *@out owns the stream; on failure
 * returns -errno and fills @diag. @path must outlive the stream.
 */
int instream__open(struct instream **out, const char *path, struct em_diag *diag) __must_check;

/* Wrap caller-provided memory (not copied; must outlive the stream). */
struct instream *instream__from_memory(const void *data, size_t len, const char *name);

/*
 * Read up to @n bytes into @buf. Returns bytes read, 0 at the end, or a
 * negative code (and fills @diag) on a read or decompression error.
 */
ssize_t instream__read(struct instream *in, void *buf, size_t n, struct em_diag *diag);

/*
 * Look at the first decoded bytes without consuming them: *@data gets up to
 * @want bytes (fewer at the end of the input; at most 64 KiB). Returns the
 * number of bytes available, or a negative code with @diag filled. Only
 * valid before the first instream__read.
 */
ssize_t instream__peek(struct instream *in, const char **data, size_t want, struct em_diag *diag);

/*
 * Map a plain (uncompressed) regular file into memory, read-only, so a
 * parser can work on it without copying. Returns 0 and sets *@data and *@len
 * (valid until instream__free), or -ENOTSUP for pipes, compressed input
 * and empty files. Call before any instream__read.
 */
int instream__map(struct instream *in, const char **data, size_t *len);

const char *instream__name(const struct instream *in);
enum instream_codec instream__codec(const struct instream *in);
void instream__free(struct instream *in);

#endif
