/* npy_io.h - the few lines of NumPy's .npy format the course's C programs need:
 * read a C-order little-endian array of a given dtype, write one back. */
#ifndef COURSE_NPY_IO_H
#define COURSE_NPY_IO_H
#include <stdint.h>

/* Reads PATH, which must hold a C-order array of DESCR ("<f4", "<i4") with
 * NDIM dims; fills SHAPE[0..NDIM-1] and returns malloc'd data (NULL and a
 * message on stderr otherwise). */
void *npy_read(const char *path, const char *descr, int ndim, int64_t *shape);

/* Writes a C-order array as a version 1.0 .npy; 0, or -1 and a message. */
int npy_write(const char *path, const char *descr, int ndim, const int64_t *shape, const void *data, int64_t elem_size);

#endif
