"""Benchmarks: ``govbrief bench NAME`` measures one aspect of performance on generated data.

The project measures speed here, never with timed assertions in tests (issue 14). Each benchmark is
a module registered in ``registry``; ``harness`` holds what they share (the production server as a
subprocess, the load driver, percentiles, the closing JSON line)."""
