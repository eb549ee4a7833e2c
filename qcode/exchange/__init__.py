"""Exchange with other programs, in both directions.

- REFI-QDA codebooks (``.qdc``): :mod:`.qdc` reads and writes them.
- REFI-QDA projects (``.qdpx``): :mod:`.qdpx_read` (zip and XML → :mod:`.qdpx_model`, pure),
  :mod:`.qdpx_import` (model → project, with :mod:`.qdpx_entities` and :mod:`.qdpx_offsets`),
  :mod:`.qdpx_export` (project → model) and :mod:`.qdpx_write` (model → zip, pure).
- Codings made elsewhere as CSV (the long ``export segments`` format): :mod:`.codings_csv`.
"""
