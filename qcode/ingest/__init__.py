"""Turning testimony into transcripts, segments and near-duplicate pairs."""
