"""The edges where bytes meet the library: decoding text, reading grids of cells, writing files
atomically under a lock, hashing files and handing memory back. No interpretation happens here."""
