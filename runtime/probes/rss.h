/* rss.h — the process's own resident-set high-water mark.
 *
 * VmHWM from /proc/self/status: the peak of this process image alone.
 * getrusage's ru_maxrss is not that: Linux carries it across execve, so a
 * process started by a large parent (a Python driver, or mmlab re-executing
 * itself with a preloaded malloc) would report the parent's peak.
 */
#ifndef MM_PROBES_RSS_H
#define MM_PROBES_RSS_H

#include <stdint.h>

/* Bytes, or 0 when /proc cannot tell. */
uint64_t rss_peak_bytes(void);

#endif
