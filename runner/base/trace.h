/*
 * Phase tracing for the engine: with LEAKCHECK_TRACE=1 in the environment,
 * each lc_trace() call prints one line to stderr with the phase name, the
 * time since the first call, and the process's current and peak resident
 * memory.  The benchmark uses it to show where the time and memory go;
 * without the variable, lc_trace() costs one cached branch.
 */
#ifndef LEAKCHECK_TRACE_H
#define LEAKCHECK_TRACE_H

void lc_trace(const char *phase);

#endif
