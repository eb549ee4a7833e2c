"""Getting coded material out of qcode for researchers to publish and analyse.

Pure writers (``files``, ``tables``, ``quotebook``, ``quotebook_docx``, ``chart``) never touch the
database; the services (``service``, ``report_service``, ``memos``) run the queries. Other programs'
formats (REFI-QDA, the codings CSV read back) live in :mod:`qcode.exchange`.
"""
