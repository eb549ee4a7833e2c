"""Getting coded material out of qcode (and other programs' projects in).

Pure writers (``files``, ``tables``, ``quotebook``, ``quotebook_docx``, ``chart``, ``qdpx_*`` but
``qdpx_export``/``qdpx_import``) never touch the database; the services (``service``,
``report_service``, ``csv_import``, ``qdpx_export``, ``qdpx_import``) run the queries.
"""
