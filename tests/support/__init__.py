"""What the tests and the benchmarks share: throwaway PostgreSQL databases (``postgres``),
real servers in their own process group on loopback (``server``), Debian's Chromium with
the base of the web apps' page objects (``browser``), and a piagam to render (``piagam``)."""
