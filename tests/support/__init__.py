"""What the tests and the benchmarks share: throwaway PostgreSQL databases (``postgres``) and
real servers in their own process group on loopback (``server``)."""
