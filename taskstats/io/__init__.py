"""The edges where bytes meet the library: every format read into sheets through one engine
table (:mod:`taskstats.io.engines`) within budgets (:mod:`taskstats.io.budget`), decoding text,
running external programs contained, writing files atomically under a lock, hashing files and
handing memory back. No interpretation happens here."""
