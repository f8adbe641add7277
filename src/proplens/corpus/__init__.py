"""Corpus-level work: finding corpus splits on disk and describing them."""
