/* version.h — mmlab's version, recorded in every stats dump. */
#ifndef MM_VERSION_H
#define MM_VERSION_H

#define MMLAB_VERSION "0.1.0"

#endif
