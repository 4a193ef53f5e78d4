/* record.h — the recording allocator behind `mmlab run --record FILE`.
 *
 * Forwards every call to the allocator it wraps and writes it as a trace
 * line.  Options "FD:NAME[:OPTIONS]": the trace's open file (first lines
 * written; closed by fini, left to the caller if init fails) and the
 * registry allocator to wrap. */
#ifndef REPLAY_RECORD_H
#define REPLAY_RECORD_H

#include "allocators/allocator.h"

extern const struct alloc_ops record_ops;

#endif
